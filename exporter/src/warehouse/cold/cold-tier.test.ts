// The cold tier against the same data kept hot: two warehouses get the same windows, one moves its
// old days to Parquet, and every query, export and join must answer as the all-hot one does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BiQuery, DataFrame, Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../duckdb-warehouse.js';
import type { ReadSession } from '../duckdb-handle.js';
import { LEVEL_TABLE, STORAGE_LEVELS } from '../levels.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const STEP = 5 * MIN;
// Noon of today (UTC): the data ends here, and cold days are those that ended 3 days before.
const NOW = Math.floor(Date.now() / DAY) * DAY + DAY / 2;
const START = NOW - 10 * DAY;
const COLD_AFTER = { points: 3 * DAY, '5m': 3 * DAY, '1h': 3 * DAY, '1d': 3 * DAY };

const value = (s: number, i: number): number => Math.round((Math.sin(i / 29 + s) * (s + 2) + ((i * 7919 + s * 104729) % 17) / 7) * 1000) / 1000;

/** Tenant a: two hosts; tenant b: one host with the same labels as a's first. */
const SERIES = [
  { tenant: 'a', instance: 'node-1' },
  { tenant: 'a', instance: 'node-2' },
  { tenant: 'b', instance: 'node-1' },
];

function seriesOf(tenant: string, start: number, end: number, shift = 0): Series[] {
  return SERIES.flatMap((s, k) =>
    s.tenant !== tenant
      ? []
      : [{ labels: { instance: s.instance, job: 'node' }, samples: Array.from({ length: (end - start) / STEP }, (_, i) => ({ t: start + i * STEP, v: value(k, (start - START) / STEP + i) + shift })) }],
  );
}

async function open(dir: string, name: string, cold: boolean): Promise<DuckDbWarehouse> {
  return openDuckDbWarehouse({ path: join(dir, name), retentionMs: DEFAULT_RETENTION_MS, ...(cold ? { coldAfterMs: COLD_AFTER } : {}) });
}

/** The same data in a warehouse that stays hot and in one whose old days go cold. */
async function pair(t: { after(fn: () => unknown): void }, withReported = false): Promise<{ dir: string; hot: DuckDbWarehouse; cold: DuckDbWarehouse }> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cold-'));
  const hot = await open(dir, 'hot.duckdb', false);
  const cold = await open(dir, 'cold.duckdb', true);
  t.after(async () => {
    await hot.close().catch(() => undefined);
    await cold.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const csv = join(dir, 'hosts.csv');
  await writeFile(csv, 'host,team,cost_per_hour\nnode-1,web,0.5\nnode-2,db,1.25\n');
  for (const w of [hot, cold]) {
    for (let day = START; day < NOW; day += DAY) {
      const window = { start: day, end: Math.min(NOW, day + DAY) };
      for (const tenant of ['a', 'b']) await w.replaceWindow(tenant, 'cpu', window, seriesOf(tenant, day, window.end));
      // Datasets that reports read: a service metric and a capacity one.
      for (const dataset of withReported ? REPORTED : []) await w.replaceWindow('a', dataset, window, seriesOf('a', day, window.end, 10));
    }
    await w.rollup();
    await w.reference.importFile('a', 'hosts', csv, { format: 'csv', key: ['host'], types: {}, replace: false });
  }
  return { dir, hot, cold };
}

const REPORTED = ['http_requests_per_second', 'node_memory_used_ratio'];

const QUERIES: BiQuery[] = [
  { dataset: 'cpu', measures: ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'], groupBy: ['instance'], filters: [], bucket: '1h', range: { start: START, end: NOW } },
  { dataset: 'cpu', measures: ['count', 'sum', 'avg', 'p95', 'last'], groupBy: [], filters: [], bucket: '1d', range: { start: START - DAY, end: NOW + DAY } },
  { dataset: 'cpu', measures: ['count', 'sum', 'max', 'p99'], groupBy: ['instance'], filters: [{ label: 'instance', op: '=~', value: 'node-.*' }], bucket: '5m', range: { start: NOW - 5 * DAY + 7 * MIN, end: NOW - 2 * DAY } },
  { dataset: 'cpu', measures: ['count', 'sum', 'min', 'max', 'p50', 'last'], groupBy: [], filters: [{ label: 'instance', op: '=', value: 'node-1' }], bucket: 'raw', range: { start: NOW - 4 * DAY - 3 * MIN, end: NOW - 2 * DAY } },
  // The join: cost of CPU per team and day, over cold and hot days.
  { dataset: 'cpu', measures: ['sum', 'count', 'max'], groupBy: ['hosts.team'], filters: [], bucket: '1d', range: { start: START, end: NOW }, join: { table: 'hosts', label: 'instance', column: 'host', scaleBy: 'cost_per_hour' } },
];

/** Frames equal up to the last bits of floating-point sums (their rows add up in another order). */
function assertSameFrames(actual: DataFrame[], expected: DataFrame[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: frames`);
  assert.ok(expected.length > 0, `${what}: the all-hot answer is not empty`);
  expected.forEach((frame, f) => {
    const other = actual[f]!;
    assert.equal(other.name, frame.name, `${what}: frame ${f}`);
    assert.deepEqual(other.meta, frame.meta, `${what}: meta of ${frame.name}`);
    frame.fields.forEach((field, i) => {
      const got = other.fields[i]!;
      assert.equal(got.name, field.name);
      assert.deepEqual(got.labels, field.labels);
      assert.equal(got.values.length, field.values.length, `${what}: ${frame.name} ${field.name} length`);
      field.values.forEach((v, j) => {
        const g = Number(got.values[j]);
        const e = Number(v);
        assert.ok(Math.abs(g - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what}: ${frame.name} ${field.name}[${j}] = ${g}, all hot ${e}`);
      });
    });
  });
}

async function assertSameAnswers(hot: DuckDbWarehouse, cold: DuckDbWarehouse, what: string): Promise<void> {
  for (const [i, q] of QUERIES.entries()) {
    for (const tenant of ['a', 'b']) {
      if (q.join && tenant === 'b') continue;
      assertSameFrames(await cold.query(tenant, q), await hot.query(tenant, q), `${what}, query ${i} (${q.bucket}) of tenant ${tenant}`);
    }
  }
}

/** Numbers rounded to 9 significant digits (sums over rows in another order differ in the last bits). */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v)));
}

async function tableRows(w: DuckDbWarehouse, table: string): Promise<number> {
  const [row] = await w.handle.read(`SELECT count(*) AS n FROM ${table}`);
  return Number(row!.n);
}

/** Every row of a Parquet file (the export), sorted, as text. */
async function parquetRows(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * EXCLUDE (labels) FROM read_parquet('${file}') ORDER BY ALL`);
    return reader.getRowsJS().map((row) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test('old days move to one zstd Parquet file per level and day, and leave the tables', async (t) => {
  const { hot, cold } = await pair(t);
  const pointsBefore = await tableRows(cold, 'points');
  const progress: number[] = [];
  const result = await cold.cold.moveCold(NOW, { onProgress: (p) => progress.push(p.done) });
  // Days that ended 3 days before noon today: the 7 days from START's day (START is noon, 10 days ago).
  const boundary = Math.floor((NOW - 3 * DAY) / DAY) * DAY;
  const coldDays = (boundary - Math.floor(START / DAY) * DAY) / DAY;
  for (const level of STORAGE_LEVELS) assert.equal(result.days[level], coldDays, `days moved at ${level}`);
  assert.equal(result.left, 0);
  assert.deepEqual(progress, Array.from({ length: 4 * coldDays }, (_, i) => i + 1));
  // Points: 3 series every 5 minutes from START up to the boundary.
  assert.equal(result.rows.points, SERIES.length * ((boundary - START) / STEP));
  assert.equal(await tableRows(cold, 'points'), pointsBefore - result.rows.points);
  assert.equal(await tableRows(cold, 'points') + result.rows.points, await tableRows(hot, 'points'));
  for (const level of ['points', '5m', '1h', '1d'] as const) {
    const table = level === 'points' ? 'points' : `rollup_${level}`;
    const time = level === 'points' ? 'ts' : 'bucket';
    const [old] = await cold.handle.read(`SELECT count(*) AS n FROM ${table} WHERE ${time} < $1`, [boundary]);
    assert.equal(Number(old!.n), 0, `no ${level} row before the boundary stays in ${table}`);
  }
  const dir = `${cold.handle.path}.cold`;
  const files = (await readdir(join(dir, 'points'))).sort();
  assert.equal(files.length, coldDays);
  assert.equal(files[0], `${new Date(START).toISOString().slice(0, 10)}.parquet`);
  const stats = await cold.cold.coldStats();
  assert.equal(stats.points.files, coldDays);
  assert.equal(stats.points.rows, result.rows.points);
  assert.equal(stats.points.bytes, result.bytes.points);
  // The files are zstd Parquet that another DuckDB reads, sorted by tenant, dataset, series, time.
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const first = join(dir, 'points', files[0]!);
  const codecs = (await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${first}')`)).getRowsJS().map((r) => String(r[0]));
  assert.deepEqual(codecs, ['ZSTD']);
  const [[n, sorted]] = (await connection.runAndReadAll(`SELECT count(*), bool_and(ok) FROM (SELECT (tenant, dataset, series_id, ts) >= lag((tenant, dataset, series_id, ts)) OVER () IS NOT FALSE AS ok FROM read_parquet('${first}'))`)).getRowsJS() as [[bigint, boolean]];
  assert.equal(Number(n), (SERIES.length * (DAY / 2)) / STEP, 'the first day holds the afternoon of START');
  assert.equal(sorted, true);
  connection.closeSync();
  instance.closeSync();
  // A second run has nothing left to move.
  const again = await cold.cold.moveCold(NOW);
  assert.deepEqual(again.days, { points: 0, '5m': 0, '1h': 0, '1d': 0 });
});

test('queries, joins and export over hot and cold days answer as the all-hot warehouse, and match sums of the samples', async (t) => {
  const { dir, hot, cold } = await pair(t, true);
  await cold.cold.moveCold(NOW);
  await assertSameAnswers(hot, cold, 'after the move');
  // Independently: count and sum of tenant a's raw samples over the whole range, from the generated data.
  const samples = seriesOf('a', START, NOW).flatMap((s) => s.samples);
  const [frame] = await cold.query('a', { dataset: 'cpu', measures: ['count', 'sum'], groupBy: [], filters: [], bucket: '1d', range: { start: START, end: NOW } });
  const count = frame!.fields[1]!.values.reduce((a, b) => Number(a) + Number(b), 0);
  const sum = frame!.fields[2]!.values.reduce((a, b) => Number(a) + Number(b), 0);
  assert.equal(count, samples.length);
  assert.ok(Math.abs(Number(sum) - samples.reduce((a, p) => a + p.v, 0)) < 1e-6);
  for (const level of ['points', '1h'] as const) {
    const range = { start: START + DAY / 3, end: NOW - DAY };
    const hotFile = join(dir, `hot-${level}.parquet`);
    const coldFile = join(dir, `cold-${level}.parquet`);
    const rows = await cold.exportParquet('a', 'cpu', level, range, coldFile);
    assert.equal(rows, await hot.exportParquet('a', 'cpu', level, range, hotFile));
    assert.ok(rows > 0);
    assert.deepEqual(await parquetRows(coldFile), await parquetRows(hotFile), `export at ${level}`);
  }
  // A weekly report over cold days (services, capacity, ingest coverage read the 1h rollups).
  const settings = { objectives: {}, defaultObjective: 0.99, capacityThreshold: 0.9 };
  const week = { start: NOW - 9 * DAY, end: NOW - 2 * DAY };
  const [hotReport, coldReport] = [await hot.reportInputs.read('a', 'weekly', week, settings, NOW), await cold.reportInputs.read('a', 'weekly', week, settings, NOW)];
  assert.ok(hotReport.services.length > 0 && hotReport.capacity.length > 0);
  assert.equal(hotReport.capacity[0]!.samples.length, 7 * 24);
  assert.deepEqual(rounded(coldReport), rounded(hotReport));
});

test('a write into a cold day thaws it, and the day moves again after its rollup', async (t) => {
  const { hot, cold } = await pair(t);
  await cold.cold.moveCold(NOW);
  const day = Math.floor((NOW - 6 * DAY) / DAY) * DAY;
  const window = { start: day + 2 * 3_600_000, end: day + 5 * 3_600_000 };
  for (const w of [hot, cold]) {
    await w.replaceWindow('a', 'cpu', window, seriesOf('a', window.start, window.end, 100));
    await w.rollup();
  }
  const listed = await cold.handle.read('SELECT level FROM cold_files WHERE day_ms = $1', [day]);
  assert.deepEqual(listed, [], 'the day is back in the tables at every level');
  await assertSameAnswers(hot, cold, 'after a write into a cold day');
  const again = await cold.cold.moveCold(NOW);
  assert.deepEqual(again.days, { points: 1, '5m': 1, '1h': 1, '1d': 1 });
  await assertSameAnswers(hot, cold, 'after the day moved again');
  // The file of the thawed day was replaced, never left beside the new one.
  assert.equal((await readdir(`${cold.handle.path}.cold/points`)).length, (await cold.cold.coldStats()).points.files);
});

test('retention deletes cold files whose day has expired and hides the expired part of a day', async (t) => {
  const { hot, cold } = await pair(t);
  await cold.cold.moveCold(NOW);
  // Retention 8 days later: points keep 15 days, so the cutoff falls at noon, 5 days after START.
  const later = NOW + 8 * DAY;
  const [deletedHot, deletedCold] = [await hot.enforceRetention(later), await cold.enforceRetention(later)];
  // The tables lose the points before the cutoff; the cold tier the days wholly before it (half of
  // the cutoff's day stays in its file, hidden from reads).
  assert.equal(deletedHot.points, SERIES.length * ((later - DEFAULT_RETENTION_MS.points - START) / STEP));
  assert.equal(deletedCold.points, deletedHot.points - SERIES.length * (DAY / 2 / STEP));
  await assertSameAnswers(hot, cold, 'after retention');
  await cold.handle.write(async () => undefined); // the files' deletion is queued behind the retention run
  const cutoffDay = Math.floor((later - DEFAULT_RETENTION_MS.points) / DAY) * DAY;
  const files = await readdir(`${cold.handle.path}.cold/points`);
  assert.equal(files.length, (await cold.cold.coldStats()).points.files);
  assert.ok(files.every((name) => Date.parse(name.slice(0, 10)) >= cutoffDay), `no file before ${new Date(cutoffDay).toISOString()}: ${files.join(', ')}`);
  assert.ok(files.includes(`${new Date(cutoffDay).toISOString().slice(0, 10)}.parquet`), 'the day the cutoff falls in stays, partly hidden');
});

test('at start, files of moves that never committed are deleted and missing files are named', async (t) => {
  const { cold } = await pair(t);
  await cold.cold.moveCold(NOW);
  const path = cold.handle.path;
  await cold.close();
  const dir = `${path}.cold`;
  const pointsDir = join(dir, 'points');
  const listedFiles = (await readdir(pointsDir)).sort();
  // A move killed after its rename (no manifest row) and one killed while writing its temporary file.
  const orphan = join(pointsDir, `${new Date(NOW - 2 * DAY).toISOString().slice(0, 10)}.parquet`);
  const temp = join(dir, '1h', `${new Date(NOW - 2 * DAY).toISOString().slice(0, 10)}.parquet.tmp`);
  await writeFile(orphan, 'PAR1');
  await writeFile(temp, 'PAR1');
  const gone = join(pointsDir, listedFiles[0]!);
  await rm(gone);
  const reopened = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, coldAfterMs: COLD_AFTER });
  t.after(() => reopened.close());
  assert.deepEqual(reopened.coldReconciled.removed.sort(), [orphan, temp].sort());
  assert.deepEqual(reopened.coldReconciled.missing, [gone]);
  assert.deepEqual((await readdir(pointsDir)).sort(), listedFiles.slice(1));
  const firstDay = { ...QUERIES[3]!, range: { start: START, end: START + DAY / 4 } };
  await assert.rejects(() => reopened.query('a', firstDay), (error: Error) => error.message.includes(gone));
});

test('a warehouse that never had cold files and moves none does not look them up; files of an earlier setting are still read', async (t) => {
  const { hot, cold } = await pair(t);
  // A session that fails any statement: the source must come without one.
  const noReads: ReadSession = { read: () => Promise.reject(new Error('read cold_files')), exportCopy: () => Promise.reject(new Error('export')) };
  assert.equal(await hot.cold.source(noReads, 'points', START, NOW), LEVEL_TABLE.points);
  await assert.rejects(() => cold.cold.source(noReads, 'points', START, NOW), /read cold_files/, 'a level with an age may move a day: it looks');
  await cold.cold.moveCold(NOW);
  const path = cold.handle.path;
  await cold.close();
  // Reopened without ages: nothing moves any more, but the files it lists hold days of the answer.
  const reopened = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => reopened.close());
  await assert.rejects(() => reopened.cold.source(noReads, 'points', START, NOW), /read cold_files/);
  const week = { ...QUERIES[3]!, range: { start: START, end: NOW } };
  assert.deepEqual(await reopened.query('a', week), await hot.query('a', week));
});
