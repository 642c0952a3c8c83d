import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { run } from './export.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const cli = new URL('../cli.ts', import.meta.url).pathname;

function sextant(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
}

async function seededWarehouse(dir: string): Promise<string> {
  const path = join(dir, 'w.duckdb');
  const w = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  const samples = Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * MIN, v: i }));
  await w.replaceWindow('default', 'cpu', { start: T0, end: T0 + 120 * MIN }, [{ labels: { host: 'a' }, samples }]);
  await w.replaceWindow('team-b', 'cpu', { start: T0, end: T0 + 120 * MIN }, [{ labels: { host: 'a' }, samples }]);
  await w.rollup();
  await w.close();
  return path;
}

async function parquetRows(file: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql.replace('FILE', '$1'), [file])).getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test('sextant export writes the chosen tenant, dataset, level and range to a Parquet file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = await seededWarehouse(dir);
  const out = join(dir, 'cpu.parquet');
  const result = sextant('export', '--warehouse', path, '--dataset', 'cpu', '--from', '2026-01-05T00:30:00Z', '--to', '2026-01-05T01:00:00Z', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^wrote 30 rows \(dataset cpu, tenant default, level points, 2026-01-05T00:30:00.000Z to 2026-01-05T01:00:00.000Z\) to /);
  assert.deepEqual(
    await parquetRows(out, 'SELECT tenant, time_ms, value FROM read_parquet(FILE) ORDER BY time_ms'),
    Array.from({ length: 30 }, (_, i) => ['default', T0 + (30 + i) * MIN, 30 + i]),
  );

  const hourly = join(dir, 'b-hourly.parquet');
  const byHour = sextant('export', '--warehouse', path, '--tenant', 'team-b', '--dataset', 'cpu', '--level', '1h', '--from', '2026-01-05', '--to', '2026-01-06', '--out', hourly);
  assert.equal(byHour.status, 0, byHour.stderr);
  assert.deepEqual(await parquetRows(hourly, 'SELECT tenant, time_ms, count, max FROM read_parquet(FILE) ORDER BY time_ms'), [
    ['team-b', T0, 60, 59],
    ['team-b', T0 + 60 * MIN, 60, 119],
  ]);
});

test('sextant export finds the warehouse through the service config, relative to the config file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await seededWarehouse(dir);
  const config = join(dir, 'sextant.yaml');
  // Port 1: no service answers there, so export opens the file itself.
  await writeFile(config, 'server:\n  listen: 127.0.0.1\n  port: 1\nwarehouse:\n  path: w.duckdb\n');
  const out = join(dir, 'daily.parquet');
  const result = sextant('export', '--config', config, '--dataset', 'cpu', '--level', '1d', '--from', '2026-01-05', '--to', '2026-01-06', '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(await parquetRows(out, 'SELECT time_ms, count, sum FROM read_parquet(FILE)'), [[T0, 120, (119 * 120) / 2]]);
  const both = await runHere(['--config', config, '--warehouse', join(dir, 'w.duckdb'), '--dataset', 'cpu', '--from', '1d', '--out', out]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give --config or --warehouse, not both/);
});

test('sextant export on a file held by a running service says so and exits 1', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = await seededWarehouse(dir);
  const service = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => service.close());
  const result = sextant('export', '--warehouse', path, '--dataset', 'cpu', '--from', '7d', '--out', join(dir, 'x.parquet'));
  assert.equal(result.status, 1);
  assert.ok(result.stderr.includes(`the warehouse file ${path} is held by another process`), result.stderr);
  assert.match(result.stderr, /running "sextant serve"/);
});

/** Runs the command in this process (no process start-up per case), capturing stderr. */
async function runHere(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { status: await run(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('sextant export explains bad arguments (exit 2) and a missing warehouse (exit 1)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-export-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = ['--warehouse', join(dir, 'nope.duckdb'), '--dataset', 'cpu', '--out', join(dir, 'x.parquet')];
  const missing = await runHere([...base, '--from', '1d']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no warehouse file at .*nope.duckdb/);
  const cases: [string[], RegExp][] = [
    [[...base], /--from is required/],
    [[...base, '--from', 'yesterday'], /--from: "yesterday" is neither an ISO date\/time/],
    [[...base, '--from', '1d', '--level', '2h'], /--level: "2h" is not a level; expected one of points, 5m, 1h, 1d/],
    [[...base, '--from', '1d', '--to', '2d'], /--from .* must be before --to/],
    [[...base, '--from', '1d', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await runHere(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});
