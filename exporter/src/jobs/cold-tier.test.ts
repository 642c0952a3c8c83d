import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { createColdTierJob } from './cold-tier.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Math.floor(Date.now() / DAY) * DAY;
const T0 = NOW - 3 * DAY;

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function warehouseWithThreeDays(t: { after(fn: () => unknown): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cold-job-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');
  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, coldAfterMs: { points: DAY, '1h': DAY } });
  t.after(() => warehouse.close());
  const samples = Array.from({ length: 3 * 24 * 60 }, (_, i) => ({ t: T0 + i * MIN, v: i }));
  await warehouse.replaceWindow('default', 'cpu', { start: T0, end: NOW }, [{ labels: { host: 'a' }, samples }]);
  return { path, warehouse };
}

test('the cold tier job moves the due days, counts them and logs its progress, in valid exposition format', async (t) => {
  const { path, warehouse } = await warehouseWithThreeDays(t);
  const registry = new Registry();
  const lines: string[] = [];
  const job = createColdTierJob({ cold: warehouse.cold, registry, log: createLogger('info', (l) => lines.push(l)), now: () => NOW, intervalMs: 3_600_000, progressEveryMs: 0 });
  assert.equal(job.name, 'cold-tier');
  await job.run(new AbortController().signal);
  const text = await registry.metrics();
  // Days that ended a day before NOW: the first two, at the points and 1h levels (5m and 1d have no age).
  assert.equal(sample(text, 'sextant_cold_moved_files_total{level="points"}'), 2);
  assert.equal(sample(text, 'sextant_cold_moved_rows_total{level="points"}'), 2 * 24 * 60);
  assert.equal(sample(text, 'sextant_cold_moved_rows_total{level="1h"}'), 2 * 24);
  assert.equal(sample(text, 'sextant_cold_moved_files_total{level="5m"}'), 0);
  assert.equal(sample(text, 'sextant_cold_files{level="1h"}'), 2);
  assert.equal(sample(text, 'sextant_cold_move_pending_files'), 0);
  let bytes = 0;
  for (const name of await readdir(`${path}.cold/points`)) bytes += (await stat(join(`${path}.cold/points`, name))).size;
  assert.equal(sample(text, 'sextant_cold_size_bytes{level="points"}'), bytes);
  assert.equal(sample(text, 'sextant_cold_move_duration_seconds_count'), 1);
  const records = lines.map((l) => JSON.parse(l) as { msg: string; job: string; done?: number; total?: number; rows?: Record<string, number> });
  assert.deepEqual(records.filter((r) => r.msg === 'cold tier moving').map((r) => [r.done, r.total]), [[1, 4], [2, 4], [3, 4]]);
  assert.equal(records.at(-1)!.msg, 'cold tier done');
  assert.equal(records.at(-1)!.rows!.points, 2 * 24 * 60);
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(promtool.status, 0, promtool.stdout + promtool.stderr);
  // A scrape after the warehouse closed (shutdown) still answers, with the last values.
  await warehouse.close();
  assert.equal(sample(await registry.metrics(), 'sextant_cold_files{level="points"}'), 2);
});

test('an aborted run stops between two days and leaves the rest for the next run', async (t) => {
  const { warehouse } = await warehouseWithThreeDays(t);
  const registry = new Registry();
  const abort = new AbortController();
  const result = await warehouse.cold.moveCold(NOW, { signal: abort.signal, onProgress: () => abort.abort() });
  // Oldest day first, points before rollups.
  assert.deepEqual(result.days, { points: 1, '5m': 0, '1h': 0, '1d': 0 });
  assert.equal(result.left, 3);
  const job = createColdTierJob({ cold: warehouse.cold, registry, log: createLogger('error', () => {}), now: () => NOW, intervalMs: 1 });
  await job.run(new AbortController().signal);
  const text = await registry.metrics();
  assert.equal(sample(text, 'sextant_cold_moved_files_total{level="points"}'), 1);
  assert.equal(sample(text, 'sextant_cold_moved_files_total{level="1h"}'), 2);
  assert.equal(sample(text, 'sextant_cold_files{level="points"}'), 2);
});
