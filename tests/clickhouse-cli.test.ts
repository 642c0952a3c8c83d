// The commands on a configuration with warehouse.kind: clickhouse and no service answering, against
// a real ClickHouse server (18.16): `import-points` moves history exported from a DuckDB warehouse
// (rollups recomputed, answers equal to the source's); `import`, `export`, `report` and
// `backfill --direct` then open ClickHouse themselves, say which config, source and warehouse they
// use, and give what the DuckDB warehouse gives for the same data.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { BiQuery } from '@sextant/core';
import { ClickHouseConnection } from '../exporter/src/warehouse/clickhouse/clickhouse-connection.js';
import { openClickHouseWarehouse } from '../exporter/src/warehouse/clickhouse/clickhouse-warehouse.js';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { assertSameFrames } from '../exporter/src/warehouse/clickhouse/testing/warehouse-contract.js';
import { DuckDbHandle } from '../exporter/src/warehouse/duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { startClickHouseServer, type RunningClickHouse } from './support/clickhouse-server.js';
import { freePort } from './support/prometheus.js';

const cli = new URL('../exporter/src/cli.ts', import.meta.url).pathname;
const T0 = Date.UTC(2026, 10, 25);
const MIN = 60_000;
let dir: string;
let server: RunningClickHouse;
let source: DuckDbWarehouse;
/** Where the config's service would listen: nothing answers there. */
let serviceUrl: string;

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
  const port = await freePort();
  serviceUrl = `http://127.0.0.1:${port}`;
  await writeFile(
    join(dir, 'sextant.yaml'),
    `server: { listen: 127.0.0.1, port: ${port} }\nsource: { kind: demo, demo: { seed: 7 } }\nwarehouse:\n  kind: clickhouse\n  clickhouse:\n    url: ${server.url}\n    database: moved\n`,
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

/** The warehouse the config names, opened here to check what the commands wrote. */
async function withMoved<T>(fn: (w: Awaited<ReturnType<typeof openClickHouseWarehouse>>) => Promise<T>): Promise<T> {
  const client = serverClient(server.url);
  const target = await openClickHouseWarehouse({ connection: new ClickHouseConnection(client, 'moved'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    return await fn(target);
  } finally {
    await target.close();
    await client.close();
  }
}

const setupLine = (verb: string) =>
  `no Sextant service answers at ${serviceUrl}; ${verb}: config ${join(dir, 'sextant.yaml')}, source the built-in demo (seed 7), warehouse clickhouse ${server.url} database moved\n`;

test('import without a service writes the reference table into ClickHouse, saying where, and queries join it as on DuckDB', async () => {
  const hosts = join(dir, 'hosts.csv');
  await writeFile(hosts, 'host,team,cost\na,web,0.5\nb,db,1.25\n');
  const result = await sextant('import', '--config', join(dir, 'sextant.yaml'), '--table', 'hosts', '--file', hosts, '--key', 'host');
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stderr.startsWith(`sextant import: ${setupLine('writing to the ClickHouse warehouse itself')}`), result.stderr);
  assert.match(result.stdout, /^imported 2 rows into reference table hosts \(tenant default\): 0 stored rows replaced, 2 rows now; columns host text, team text, cost number; key host/);
  await source.reference.importFile('default', 'hosts', hosts, { format: 'csv', key: ['host'], types: {}, replace: false });
  const query: BiQuery = { dataset: 'load', measures: ['count', 'sum'], groupBy: ['hosts.team'], filters: [], bucket: '1h', range: { start: T0, end: T0 + 600 * MIN }, join: { table: 'hosts', label: 'host', column: 'host', scaleBy: 'cost' } };
  await withMoved(async (moved) => {
    assert.deepEqual(await moved.reference.rows('default', 'hosts', 10), [{ host: 'a', team: 'web', cost: 0.5 }, { host: 'b', team: 'db', cost: 1.25 }]);
    assertSameFrames(await moved.query('default', query), await source.query('default', query), 'cost per team');
  });

  const bad = join(dir, 'bad.csv');
  await writeFile(bad, 'host,team,cost\nc,web,0.5\nd,db,cheap\n');
  const refused = await sextant('import', '--config', join(dir, 'sextant.yaml'), '--table', 'hosts', '--file', bad, '--key', 'host', '--type', 'cost=number');
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /sextant import: line 3, column cost: "cheap" is not a number/);
  await withMoved(async (moved) => assert.equal((await moved.reference.get('default', 'hosts'))?.rows, 2, 'nothing of the refused file was loaded'));
});

test('export and report without a service read ClickHouse, saying so; the export holds the rows DuckDB exports', async () => {
  const range = ['--from', new Date(T0).toISOString(), '--to', new Date(T0 + 600 * MIN).toISOString()];
  const out = join(dir, 'ch-hourly.parquet');
  const result = await sextant('export', '--config', join(dir, 'sextant.yaml'), '--dataset', 'load', '--level', '1h', ...range, '--out', out);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `sextant export: ${setupLine('reading the ClickHouse warehouse itself')}`);
  assert.match(result.stdout, /^wrote 30 rows \(dataset load, tenant default, level 1h/);
  const expected = join(dir, 'duck-hourly.parquet');
  await source.exportParquet('default', 'load', '1h', { start: T0, end: T0 + 600 * MIN }, expected);
  const reader = await DuckDbHandle.open(':memory:');
  try {
    const rows = (file: string) => reader.read(`SELECT series_key, labels::VARCHAR AS labels, time_ms, count, round(sum, 9) AS sum, round(p95, 9) AS p95 FROM read_parquet($1) ORDER BY series_key, time_ms`, [file]);
    const got = await rows(out);
    assert.equal(got.length, 30);
    assert.deepEqual(got, await rows(expected));
  } finally {
    await reader.close();
  }

  const folder = join(dir, 'report');
  const report = await sextant('report', '--config', join(dir, 'sextant.yaml'), '--period', 'daily', '--from', new Date(T0).toISOString(), '--format', 'csv', '--out', folder);
  assert.equal(report.code, 0, report.stderr);
  assert.ok(report.stderr.includes(setupLine('reading the ClickHouse warehouse itself')), report.stderr);
  assert.ok((await readdir(folder)).some((f) => f.endsWith('.csv')), 'the report\'s tables were written');
});

test('backfill writes to ClickHouse only with --direct, and says where', async () => {
  const refused = await sextant('backfill', '--config', join(dir, 'sextant.yaml'), '--from', '30m', '--dataset', 'up');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`nothing was written[\\s\\S]*To write from this process instead, to the ClickHouse warehouse ${server.url.replace(/[.]/g, '\\.')} database moved, give --direct`));
  await withMoved(async (moved) => assert.equal(await moved.watermark('default', 'up'), undefined));
  const direct = await sextant('backfill', '--config', join(dir, 'sextant.yaml'), '--from', '30m', '--dataset', 'up', '--direct');
  assert.equal(direct.code, 0, direct.stderr);
  assert.ok(direct.stderr.startsWith(`sextant backfill: writing directly (--direct): config ${join(dir, 'sextant.yaml')}, source the built-in demo (seed 7), warehouse clickhouse ${server.url} database moved\n`), direct.stderr);
  await withMoved(async (moved) => {
    assert.ok((await moved.watermark('default', 'up'))! > Date.now() - 30 * MIN, 'the window up to now is stored');
    const [frame] = await moved.query('default', { dataset: 'up', measures: ['count'], groupBy: [], filters: [], bucket: '1h', range: { start: Date.now() - 2 * 3_600_000, end: Date.now() } });
    assert.ok((frame?.fields[1]!.values as number[]).reduce((a, b) => a + b, 0) > 0, 'points of up were written');
  });
});
