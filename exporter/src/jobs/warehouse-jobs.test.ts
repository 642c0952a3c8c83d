import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { createRetentionJob } from './retention.js';
import { createRollupJob } from './rollup.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const T0 = Date.UTC(2026, 0, 5);

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test('rollup and retention jobs do their work and report it on the registry in valid exposition format', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');
  const warehouse = await openDuckDbWarehouse({ path, retentionMs: { ...DEFAULT_RETENTION_MS, points: DAY } });
  t.after(() => warehouse.close());
  const samples = Array.from({ length: 3 * 24 * 60 }, (_, i) => ({ t: T0 + i * MIN, v: i }));
  await warehouse.replaceWindow('default', 'cpu', { start: T0, end: T0 + 3 * DAY }, [{ labels: { host: 'a' }, samples }]);

  const registry = new Registry();
  const log = createLogger('error', () => {});
  const rollup = createRollupJob({ warehouse, registry, log, intervalMs: 60_000 });
  const retention = createRetentionJob({ warehouse, registry, log, now: () => T0 + 3 * DAY, intervalMs: 3_600_000 });
  assert.equal(rollup.name, 'rollup');
  assert.equal(retention.intervalMs, 3_600_000);

  await rollup.run(new AbortController().signal);
  await retention.run(new AbortController().signal);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sextant_rollup_rows_total{level="5m"}'), 3 * 24 * 12);
  assert.equal(sample(text, 'sextant_rollup_rows_total{level="1h"}'), 3 * 24);
  assert.equal(sample(text, 'sextant_rollup_rows_total{level="1d"}'), 3);
  assert.equal(sample(text, 'sextant_rollup_duration_seconds_count'), 1);
  assert.equal(sample(text, 'sextant_retention_deleted_rows_total{level="points"}'), 2 * 24 * 60);
  assert.equal(sample(text, 'sextant_retention_deleted_rows_total{level="1d"}'), 0);
  const onDisk = (await stat(path)).size + (await stat(`${path}.wal`).then((s) => s.size, () => 0));
  assert.equal(sample(text, 'sextant_warehouse_size_bytes'), onDisk);

  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(promtool.status, 0, promtool.stdout + promtool.stderr);
});

test('an aborted signal stops a run before it starts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => warehouse.close());
  await warehouse.replaceWindow('default', 'cpu', { start: T0, end: T0 + MIN }, [{ labels: {}, samples: [{ t: T0, v: 1 }] }]);
  const registry = new Registry();
  const job = createRollupJob({ warehouse, registry, log: createLogger('error', () => {}), intervalMs: 1000 });
  const controller = new AbortController();
  controller.abort();
  await job.run(controller.signal);
  assert.equal(sample(await registry.metrics(), 'sextant_rollup_rows_total{level="5m"}'), 0);
  assert.deepEqual((await warehouse.rollup()).rows, { '5m': 1, '1h': 1, '1d': 1 });
});
