// The ClickHouse warehouse against the DuckDB one on the same windows, on a ClickHouse engine the
// caller gives: chDB (ClickHouse 26.7 in process) or a real server (Debian's 18.16).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { BiQuery, DataFrame, Series } from '@sextant/core';
import { DuckDbHandle } from '../../duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../../duckdb-warehouse.js';
import { ClickHouseConnection } from '../clickhouse-connection.js';
import { openClickHouseWarehouse, type ClickHouseWarehouse } from '../clickhouse-warehouse.js';
import { sqlNumber, sqlString } from '../sql-literal.js';

const T0 = Date.UTC(2026, 10, 2);
const MIN = 60_000;
let duck: DuckDbWarehouse;
let ch: ClickHouseWarehouse;
let dir: string;

/** Three series over two days, one with a hostile label value, values with ties and jumps. */
function seriesOf(start: number, end: number, shift = 0): Series[] {
  const make = (instance: string, k: number): Series => {
    const samples = [];
    for (let t = start; t < end; t += MIN) samples.push({ t, v: ((t / MIN) * (k + 1)) % 37 + Math.sin(t / 3_600_000 + k) * 5 + shift });
    return { labels: { __name__: 'cpu', instance, job: k === 2 ? 'db' : 'api' }, samples };
  };
  return [make('a:9100', 0), make("b'); DROP TABLE points; --\\", 1), make('c:9100', 2)];
}

/** Frames equal to DuckDB's: names, labels, lengths; numbers to 1e-9 relative. */
export function assertSameFrames(actual: DataFrame[], expected: DataFrame[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: frames`);
  expected.forEach((frame, i) => {
    const got = actual[i]!;
    assert.equal(got.name, frame.name, what);
    assert.deepEqual(got.meta, frame.meta, `${what}: meta of ${frame.name}`);
    frame.fields.forEach((field, j) => {
      const values = got.fields[j]!.values as number[];
      assert.equal(values.length, field.values.length, `${what}: ${frame.name} ${field.name} length`);
      (field.values as number[]).forEach((v, k) => {
        const close = Math.abs(values[k]! - v) <= 1e-9 * Math.max(1, Math.abs(v));
        assert.ok(close, `${what}: ${frame.name} ${field.name}[${k}] is ${values[k]} on ClickHouse, ${v} on DuckDB`);
      });
    });
  });
}

/** The ClickHouse engine under test: a client and, for a cluster, its name in remote_servers. */
export interface ClickHouseTarget {
  client: ClickHouseClient;
  cluster?: string;
}

/** The two warehouses of a contract run, for tests a caller adds. */
export interface ContractWarehouses {
  duck: DuckDbWarehouse;
  ch: ClickHouseWarehouse;
}

/**
 * The contract: ClickHouse answers as DuckDB. `connect` gives a client of the engine to test,
 * `disconnect` stops what connect started.
 */
export function clickHouseContract(connect: () => Promise<ClickHouseTarget>, disconnect: () => Promise<void> = async () => {}): () => ContractWarehouses {
  let client: ClickHouseClient;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sextant-ch-'));
    const target = await connect();
    client = target.client;
    duck = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
    ch = await openClickHouseWarehouse({ connection: new ClickHouseConnection(client, `sextant_test_${process.pid}`, target.cluster), retentionMs: DEFAULT_RETENTION_MS });
    for (const w of [duck, ch]) {
      await w.replaceWindow('t1', 'cpu', { start: T0, end: T0 + 86_400_000 }, seriesOf(T0, T0 + 86_400_000, 1));
      await w.replaceWindow('t1', 'cpu', { start: T0 + 86_400_000, end: T0 + 2 * 86_400_000 }, seriesOf(T0 + 86_400_000, T0 + 2 * 86_400_000));
      // Re-running the first day replaces it: the shift of 1 is gone.
      await w.replaceWindow('t1', 'cpu', { start: T0, end: T0 + 86_400_000 }, seriesOf(T0, T0 + 86_400_000));
      await w.rollup();
    }
  });

  // When `before` failed half-way some of these were never opened; the servers are stopped whatever
  // happened, since a server left running keeps the test process (and the whole suite) from ending.
  after(async () => {
    try {
      await duck?.close();
      await ch?.close();
      await client?.close();
    } finally {
      await disconnect();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  test('queries answer as on DuckDB at every bucket, with filters, groups and percentiles', async () => {
    const range = { start: T0 - 3_600_000, end: T0 + 2 * 86_400_000 };
    const queries: BiQuery[] = [
      { dataset: 'cpu', measures: ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'], groupBy: ['instance'], filters: [], bucket: '5m', range },
      { dataset: 'cpu', measures: ['count', 'avg', 'p95', 'last'], groupBy: ['job'], filters: [], bucket: '1h', range },
      { dataset: 'cpu', measures: ['count', 'p99', 'max'], groupBy: [], filters: [{ label: 'instance', op: '=~', value: "b'.*" }], bucket: '1d', range },
      { dataset: 'cpu', measures: ['count', 'p50', 'p95', 'sum'], groupBy: ['job'], filters: [{ label: 'job', op: '!=', value: 'db' }], bucket: 'raw', range: { start: T0, end: T0 + 3_600_000 } },
    ];
    for (const q of queries) assertSameFrames(await ch.query('t1', q), await duck.query('t1', q), `${q.bucket} by ${q.groupBy.join(',') || 'nothing'}`);
    const frames = await ch.query('t1', queries[0]!);
    assert.equal(frames.length, 3);
    assert.equal(frames.reduce((n, f) => n + (f.fields[1]!.values as number[]).reduce((a, b) => a + b, 0), 0), 3 * 2 * 1440, 'every point counted once after the re-run');
  });

  test('watermarks, ingest runs and Parquet export as on DuckDB', async () => {
    assert.equal(await ch.watermark('t1', 'cpu'), T0 + 2 * 86_400_000);
    assert.equal(await ch.watermark('t1', 'nothing'), undefined);
    const run = { tenant: 't1', dataset: 'cpu', window: { start: T0, end: T0 + MIN }, rows: 3, status: 'error' as const, error: "it's\nbroken", durationMs: 12.5, finishedAt: T0 + MIN };
    await ch.recordIngestRun(run);
    assert.deepEqual(await ch.listIngestRuns('t1', 5), [run]);
    const duckFile = join(dir, 'duck.parquet');
    const chFile = join(dir, 'ch.parquet');
    const range = { start: T0, end: T0 + 86_400_000 };
    for (const level of ['points', '1h'] as const) {
      const expected = await duck.exportParquet('t1', 'cpu', level, range, duckFile);
      assert.equal(await ch.exportParquet('t1', 'cpu', level, range, chFile), expected, level);
      const reader = await DuckDbHandle.open(':memory:');
      try {
        // Keys, times and counts equal; floats equal but for the last bits: sums (summation order),
        // interpolated percentiles, and 18.16 parses float text up to 1 ulp off.
        const floats = level === 'points' ? ['value'] : ['sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'];
        const diff = await reader.read(
          `SELECT count(*) AS n FROM (SELECT * EXCLUDE (labels, ${floats.join(', ')}), map_entries(labels)::VARCHAR AS l FROM read_parquet($1)
            EXCEPT SELECT * EXCLUDE (labels, ${floats.join(', ')}), map_entries(labels)::VARCHAR FROM read_parquet($2))`,
          [chFile, duckFile],
        );
        assert.equal(Number(diff[0]?.n), 0, `${level}: rows that differ`);
        {
          const [sums] = await reader.read(
            `SELECT ${floats.length > 1 ? 'greatest' : ''}(${floats.map((f) => `max(abs(c.${f} - d.${f}) / greatest(1, abs(d.${f})))`).join(', ')}) AS worst, count(*) AS n
             FROM read_parquet($1) c JOIN read_parquet($2) d USING (series_id, time_ms)`,
            [chFile, duckFile],
          );
          assert.equal(Number(sums?.n), expected);
          assert.ok(Number(sums?.worst) < 1e-12, `${level}: floats differ by ${String(sums?.worst)}`);
        }
        const schema = async (f: string) => (await reader.read(`SELECT name, type FROM parquet_schema($1) ORDER BY name`, [f])).map((r) => `${String(r.name)} ${String(r.type)}`);
        assert.deepEqual(await schema(chFile), await schema(duckFile), `${level}: columns`);
      } finally {
        await reader.close();
      }
    }
  });

  test('retention drops whole partitions that lie before the cutoff', async () => {
    const now = T0 + 86_400_000 + DEFAULT_RETENTION_MS.points;
    const deleted = await ch.enforceRetention(now);
    assert.equal(deleted.points, 3 * 1440, 'the first day of points');
    const [left] = await ch.db.read(`SELECT count() AS n, min(ts) AS first FROM ${ch.db.table('points')}`);
    assert.equal(Number(left?.n), 3 * 1440);
    assert.equal(Number(left?.first), T0 + 86_400_000);
  });

  test('string and number literals survive hostile input', async () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const pieces = ["'", '\\', "\\'", '\n', '\r', '\t', '\0', '\x1b', '\x7f', '"', '`', ';', '--', '/*', '*/', '{', '}', '$1', 'é', '😀', ' ', 'a', "''", '\\\\'];
    const strings = Array.from({ length: 300 }, () => Array.from({ length: random(12) }, () => pieces[random(pieces.length)]).join(''));
    const numbers = [0, -0, 1, -1, 0.1, 1e-300, 1.7976931348623157e308, -(2 ** 53), 2 ** 53, 123.456e10, Number.EPSILON];
    for (let i = 0; i < strings.length; i += 50) {
      const batch = strings.slice(i, i + 50);
      const rows = await ch.db.read(`SELECT ${batch.map((s, j) => `${sqlString(s)} AS s${j}`).join(', ')}`);
      batch.forEach((s, j) => assert.equal(rows[0]![`s${j}`], s, JSON.stringify(s)));
    }
    const [row] = await ch.db.read(`SELECT ${numbers.map((n, j) => `toFloat64(${sqlNumber(n)}) AS n${j}`).join(', ')}, isNaN(${sqlNumber(NaN)}) AS nan, ${sqlNumber(-Infinity)} < 0 AS neg`);
    numbers.forEach((n, j) => assert.equal(Number(row![`n${j}`]), n === 0 ? 0 : n, String(n)));
    assert.equal(Number(row!.nan), 1);
    assert.equal(Number(row!.neg), 1);
  });
  return () => ({ duck, ch });
}
