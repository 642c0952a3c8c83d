// Moving history: points exported to Parquet from a DuckDB warehouse and imported into ClickHouse
// (chDB, in process) and into a fresh DuckDB answer every query as the source does.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BiQuery, Series } from '@sextant/core';
import { ClickHouseConnection } from './clickhouse/clickhouse-connection.js';
import { openClickHouseWarehouse } from './clickhouse/clickhouse-warehouse.js';
import { chdbClient } from './clickhouse/testing/clients.js';
import { assertSameFrames } from './clickhouse/testing/warehouse-contract.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { importPointsParquet } from './import-points.js';
import type { Warehouse } from './warehouse.js';

const T0 = Date.UTC(2026, 10, 20, 3, 17);
const MIN = 60_000;
const SPAN = 30 * 3_600_000; // 30 hours: windows of 6 hours, the first and last partial
let dir: string;
let source: DuckDbWarehouse;

function seriesOf(k: number): Series {
  const samples = [];
  for (let t = T0; t < T0 + SPAN; t += MIN) samples.push({ t, v: Math.sin(t / 3_600_000 + k) * 10 + ((t / MIN) % (k + 5)) });
  return { labels: { __name__: 'mem', instance: k === 1 ? 'host "b" \\ \'q\' é' : `host-${k}`, job: k % 2 ? 'api' : 'db' }, samples };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-import-'));
  source = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  await source.replaceWindow('t1', 'mem', { start: T0, end: T0 + SPAN }, [0, 1, 2, 3].map(seriesOf));
  await source.replaceWindow('t1', 'cpu', { start: T0, end: T0 + SPAN }, [seriesOf(7)]);
  await source.rollup();
});

after(async () => {
  await source.close();
  await rm(dir, { recursive: true, force: true });
});

async function exported(dataset: string): Promise<string> {
  const file = join(dir, `${dataset}.parquet`);
  await source.exportParquet('t1', dataset, 'points', { start: T0 - MIN, end: T0 + SPAN + MIN }, file);
  return file;
}

async function assertSameAnswers(target: Warehouse): Promise<void> {
  const range = { start: T0 - 3_600_000, end: T0 + SPAN + 3_600_000 };
  const queries: BiQuery[] = [
    { dataset: 'mem', measures: ['count', 'sum', 'p95', 'last'], groupBy: ['instance'], filters: [], bucket: '1h', range },
    { dataset: 'mem', measures: ['count', 'avg', 'max'], groupBy: ['job'], filters: [], bucket: '1d', range },
    { dataset: 'mem', measures: ['count', 'p50'], groupBy: ['instance'], filters: [{ label: 'job', op: '=', value: 'api' }], bucket: 'raw', range },
    { dataset: 'cpu', measures: ['count', 'min'], groupBy: [], filters: [], bucket: '5m', range },
  ];
  for (const q of queries) assertSameFrames(await target.query('t1', q), await source.query('t1', q), `${q.dataset} at ${q.bucket}`);
  assert.equal(await target.watermark('t1', 'mem'), Math.ceil((T0 + SPAN) / (6 * 3_600_000)) * 6 * 3_600_000, 'watermark: the end of the last window');
}

test('a points export imported into ClickHouse answers as the DuckDB it came from', async () => {
  const client = chdbClient();
  const ch = await openClickHouseWarehouse({ connection: new ClickHouseConnection(client, `sextant_import_${process.pid}`), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const imported = [...(await importPointsParquet(ch, await exported('mem'))), ...(await importPointsParquet(ch, await exported('cpu')))];
    assert.deepEqual(imported, [
      { tenant: 't1', dataset: 'mem', rows: 4 * 1800, windows: 6 },
      { tenant: 't1', dataset: 'cpu', rows: 1800, windows: 6 },
    ]);
    await ch.rollup();
    await assertSameAnswers(ch);
  } finally {
    await ch.close();
    await client.close();
  }
});

test('importing the same file twice into DuckDB leaves every point once', async () => {
  const target = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  try {
    const mem = await exported('mem');
    await importPointsParquet(target, mem, 3_600_000);
    await importPointsParquet(target, mem);
    await importPointsParquet(target, await exported('cpu'));
    await target.rollup();
    await assertSameAnswers(target);
  } finally {
    await target.close();
  }
});

test('a file that is not a points export is refused with the reason', async () => {
  const target = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  try {
    const hourly = join(dir, 'hourly.parquet');
    await source.exportParquet('t1', 'mem', '1h', { start: T0, end: T0 + SPAN }, hourly);
    await assert.rejects(importPointsParquet(target, hourly), /not a points export: it lacks the column\(s\) value/);
    const text = join(dir, 'text.parquet');
    await writeFile(text, 'not parquet');
    await assert.rejects(importPointsParquet(target, text), /cannot read .*text\.parquet as Parquet/);
  } finally {
    await target.close();
  }
});
