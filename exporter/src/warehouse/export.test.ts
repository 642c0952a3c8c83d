import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from './duckdb-warehouse.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);

/** Reads a Parquet file with a separate DuckDB, as a user's tool would. */
async function readParquet(file: string, columns: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT ${columns} FROM read_parquet($1) ORDER BY ALL`, [file]);
    return reader.getRowObjectsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test('Parquet export of points and rollups reads back equal to the source rows of that tenant and range', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const w = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => w.close());
  const labels = { host: `it's "x"\\`, job: 'node' };
  const series: Series[] = [{ labels, samples: Array.from({ length: 180 }, (_, i) => ({ t: T0 + i * MIN, v: i * 0.5 })) }];
  await w.replaceWindow('default', 'cpu', { start: T0, end: T0 + 180 * MIN }, series);
  await w.replaceWindow('other', 'cpu', { start: T0, end: T0 + 180 * MIN }, [{ labels, samples: [{ t: T0, v: 99 }] }]);
  await w.rollup();

  const file = join(dir, 'points.parquet');
  const range = { start: T0 + 60 * MIN, end: T0 + 120 * MIN };
  assert.equal(await w.exportParquet('default', 'cpu', 'points', range, file), 60);
  const rows = await readParquet(file, 'tenant, dataset, series_key, epoch_ms(time) AS t, time_ms, value, labels');
  assert.deepEqual(
    rows.map((r) => [r.tenant, r.dataset, r.series_key, Number(r.t), Number(r.time_ms), r.value]),
    series[0]!.samples.filter((p) => p.t >= range.start && p.t < range.end).map((p) => ['default', 'cpu', `{host="it's \\"x\\"\\\\",job="node"}`, p.t, p.t, p.v]),
  );

  const hourly = join(dir, 'hourly.parquet');
  assert.equal(await w.exportParquet('default', 'cpu', '1h', { start: T0, end: T0 + 3 * 60 * MIN }, hourly), 3);
  const hours = await readParquet(hourly, 'time_ms, count, min, max, avg, last');
  assert.deepEqual(
    hours.map((r) => [Number(r.time_ms), Number(r.count), r.min, r.max, r.avg, r.last]),
    [0, 1, 2].map((h) => [T0 + h * 60 * MIN, 60, h * 30, h * 30 + 29.5, h * 30 + 14.75, h * 30 + 29.5]),
  );
});

test('export refuses paths it cannot or should not write', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const w = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => w.close());
  const range = { start: T0, end: T0 + MIN };
  await assert.rejects(w.exportParquet('default', 'cpu', 'points', range, join(dir, 'x.csv')), /must end in .parquet/);
  await assert.rejects(w.exportParquet('default', 'cpu', 'points', range, join(dir, 'missing', 'x.parquet')), /directory .* does not exist/);
  await assert.rejects(w.exportParquet('default', 'cpu', '2h' as never, range, join(dir, 'x.parquet')), /unknown level "2h"/);
});
