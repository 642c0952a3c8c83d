// `sextant import-points` moves history: points exported from a DuckDB warehouse go into a real
// ClickHouse server (18.16) named by a configuration with warehouse.kind: clickhouse, rollups are
// recomputed, and the answers equal the source's.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { BiQuery } from '@sextant/core';
import { ClickHouseConnection } from '../exporter/src/warehouse/clickhouse/clickhouse-connection.js';
import { openClickHouseWarehouse } from '../exporter/src/warehouse/clickhouse/clickhouse-warehouse.js';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { assertSameFrames } from '../exporter/src/warehouse/clickhouse/testing/warehouse-contract.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { startClickHouseServer, type RunningClickHouse } from './support/clickhouse-server.js';

const cli = new URL('../exporter/src/cli.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 10, 25);
const MIN = 60_000;
let dir: string;
let server: RunningClickHouse;
let source: DuckDbWarehouse;

async function sextant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-import-points-'));
  server = await startClickHouseServer();
  source = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  const series = ['a', 'b', 'c'].map((host, k) => ({
    labels: { __name__: 'load', host },
    samples: Array.from({ length: 600 }, (_, i) => ({ t: T0 + i * MIN, v: Math.cos(i / 30 + k) * 3 + k })),
  }));
  await source.replaceWindow('default', 'load', { start: T0, end: T0 + 600 * MIN }, series);
  await source.rollup();
  await source.exportParquet('default', 'load', 'points', { start: T0, end: T0 + 600 * MIN }, join(dir, 'load.parquet'));
  await writeFile(
    join(dir, 'sextant.yaml'),
    `warehouse:\n  kind: clickhouse\n  clickhouse:\n    url: ${server.url}\n    database: moved\n`,
  );
});

after(async () => {
  await source.close();
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('import-points writes an export into the configured ClickHouse, which then answers as the source', async () => {
  const result = await sextant('import-points', '--file', join(dir, 'load.parquet'), '--config', join(dir, 'sextant.yaml'), '--window', '1h');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /1800 points of load \(tenant default\) in 10 windows/);
  assert.match(result.stdout, /rollups recomputed: 360 5m, 30 1h, 3 1d rows/);
  const client = serverClient(server.url);
  const target = await openClickHouseWarehouse({ connection: new ClickHouseConnection(client, 'moved'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const range = { start: T0, end: T0 + 600 * MIN };
    const queries: BiQuery[] = [
      { dataset: 'load', measures: ['count', 'sum', 'p95', 'last'], groupBy: ['host'], filters: [], bucket: '1h', range },
      { dataset: 'load', measures: ['count', 'min', 'max'], groupBy: [], filters: [], bucket: 'raw', range },
    ];
    for (const q of queries) assertSameFrames(await target.query('default', q), await source.query('default', q), `load at ${q.bucket}`);
  } finally {
    await target.close();
    await client.close();
  }
});

test('import-points refuses a file that is not a points export, with exit code 2', async () => {
  const hourly = join(dir, 'hourly.parquet');
  await source.exportParquet('default', 'load', '1h', { start: T0, end: T0 + 600 * MIN }, hourly);
  const result = await sextant('import-points', '--file', hourly, '--config', join(dir, 'sextant.yaml'));
  assert.equal(result.code, 2);
  assert.match(result.stderr, /not a points export: it lacks the column\(s\) value/);
  const missing = await sextant('import-points', '--config', join(dir, 'sextant.yaml'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--file is required/);
});
