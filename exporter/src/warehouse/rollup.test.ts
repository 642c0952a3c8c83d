import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Series } from '@sextant/core';
import { groupBy } from '@sextant/core/collections';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { LEVEL_TABLE, LEVEL_WIDTH_MS, ROLLUP_LEVELS } from './levels.js';
import { seriesId } from './series-id.js';
import type { RollupLevel } from './warehouse.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);

async function open(t: { after(fn: () => unknown): void }, retentionMs = DEFAULT_RETENTION_MS, path?: string): Promise<DuckDbWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-rollup-'));
  const w = await openDuckDbWarehouse({ path: path ?? join(dir, 'r.duckdb'), retentionMs });
  t.after(async () => {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });
  return w;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Irregular samples (30 s to 3 min apart, with gaps) of noisy values over [start, end). */
function noisySeries(labels: Record<string, string>, start: number, end: number, rnd: () => number): Series {
  const samples = [];
  for (let t = start + Math.floor(rnd() * 30_000); t < end; t += 30_000 + Math.floor(rnd() * 150_000)) {
    if (rnd() < 0.05) continue; // gap
    samples.push({ t, v: Math.round((rnd() * 1000 - 200) * 1000) / 1000 });
  }
  return { labels, samples };
}

/** Linear interpolation between closest ranks (type 7), the definition quantile_cont uses. */
function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

interface Expected {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  last: number;
}

/** The rollup of `series` at `level`, computed here without DuckDB: key `${series_id}@${bucket}`. */
function expectedRollup(tenant: string, dataset: string, series: Series[], level: RollupLevel): Map<string, Expected> {
  const width = LEVEL_WIDTH_MS[level];
  const points = series.flatMap((s) => s.samples.map((p) => ({ id: seriesId(tenant, dataset, s.labels), ...p })));
  const groups = groupBy(points, (p) => `${p.id}@${Math.floor(p.t / width) * width}`);
  const out = new Map<string, Expected>();
  for (const [key, points] of groups) {
    const values = points.map((p) => p.v).sort((a, b) => a - b);
    const sum = values.reduce((a, b) => a + b, 0);
    const last = points.reduce((a, b) => (b.t > a.t ? b : a));
    out.set(key, {
      count: values.length,
      sum,
      min: values[0]!,
      max: values[values.length - 1]!,
      avg: sum / values.length,
      p50: quantile(values, 0.5),
      p95: quantile(values, 0.95),
      p99: quantile(values, 0.99),
      last: last.v,
    });
  }
  return out;
}

async function storedRollup(w: DuckDbWarehouse, tenant: string, level: RollupLevel): Promise<Map<string, Expected>> {
  const rows = await w.handle.read(`SELECT * FROM ${LEVEL_TABLE[level]} WHERE tenant = $1`, [tenant]);
  return new Map(
    rows.map((r) => [
      `${String(r.series_id)}@${String(r.bucket)}`,
      { count: r.count, sum: r.sum, min: r.min, max: r.max, avg: r.avg, p50: r.p50, p95: r.p95, p99: r.p99, last: r.last } as Expected,
    ]),
  );
}

function assertSameRollup(actual: Map<string, Expected>, expected: Map<string, Expected>, where: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${where}: buckets`);
  for (const [key, e] of expected) {
    const a = actual.get(key)!;
    // count, min, max, last are exact; sums may differ in the last bits with the order of addition.
    assert.deepEqual([a.count, a.min, a.max, a.last], [e.count, e.min, e.max, e.last], `${where} ${key}`);
    for (const m of ['sum', 'avg', 'p50', 'p95', 'p99'] as const) {
      assert.ok(Math.abs(a[m] - e[m]) <= 1e-9 * Math.max(1, Math.abs(e[m])), `${where} ${key} ${m}: ${a[m]} vs ${e[m]}`);
    }
  }
}

/** Writes `series` in windows of `windowMs` over [start, end), as an ingest job would. */
async function ingest(w: DuckDbWarehouse, tenant: string, dataset: string, series: Series[], start: number, end: number, windowMs: number): Promise<void> {
  for (let from = start; from < end; from += windowMs) {
    await w.replaceWindow(tenant, dataset, { start: from, end: Math.min(end, from + windowMs) }, series);
  }
}

test('rollups at 5m, 1h and 1d equal an independent computation of every measure', async (t) => {
  const w = await open(t);
  const rnd = random(42);
  const end = T0 + 2 * DAY + 7 * HOUR;
  const series = ['a', 'b', 'c'].map((host) => noisySeries({ host, job: 'node' }, T0 - 3 * HOUR, end, rnd));
  await ingest(w, 'default', 'cpu', series, T0 - 3 * HOUR, end, 6 * HOUR);
  const result = await w.rollup();
  for (const level of ROLLUP_LEVELS) {
    const expected = expectedRollup('default', 'cpu', series, level);
    assert.equal(result.rows[level], expected.size, `${level}: rows written`);
    assertSameRollup(await storedRollup(w, 'default', level), expected, level);
  }
  assert.deepEqual(await w.rollup(), { rows: { '5m': 0, '1h': 0, '1d': 0 } }, 'nothing new, nothing recomputed');
});

test('an incremental rollup recomputes only touched buckets and ends equal to a full recomputation', async (t) => {
  const w = await open(t);
  const rnd = random(7);
  const end = T0 + DAY;
  let series = ['a', 'b'].map((host) => noisySeries({ host }, T0, end, rnd));
  await ingest(w, 'default', 'mem', series, T0, end, 2 * HOUR);
  await w.rollup();

  // New data: one more hour at the end, and a re-ingested (changed) 10-minute window in the past.
  const later = ['a', 'b'].map((host) => noisySeries({ host }, end, end + HOUR, rnd));
  await w.replaceWindow('default', 'mem', { start: end, end: end + HOUR }, later);
  const patchStart = T0 + 3 * HOUR + 20 * MIN;
  const patched = series.map((s) => ({
    labels: s.labels,
    samples: s.samples.map((p) => (p.t >= patchStart && p.t < patchStart + 10 * MIN ? { t: p.t, v: p.v * 2 + 1 } : p)),
  }));
  await w.replaceWindow('default', 'mem', { start: patchStart, end: patchStart + 10 * MIN }, patched);
  const result = await w.rollup();

  series = patched.map((s, i) => ({ labels: s.labels, samples: [...s.samples, ...later[i]!.samples] }));
  for (const level of ROLLUP_LEVELS) assertSameRollup(await storedRollup(w, 'default', level), expectedRollup('default', 'mem', series, level), level);
  // Touched: 5m: 12 buckets of the new hour + the 2 (aligned) of the patch, per series; 1h: 1 + 1; 1d: 2 days.
  const touched = (level: RollupLevel, spans: [number, number][]): number =>
    [...expectedRollup('default', 'mem', series, level).keys()].filter((k) => {
      const bucket = Number(k.split('@')[1]);
      return spans.some(([s, e]) => bucket >= Math.floor(s / LEVEL_WIDTH_MS[level]) * LEVEL_WIDTH_MS[level] && bucket < e);
    }).length;
  const spans: [number, number][] = [[end, end + HOUR], [patchStart, patchStart + 10 * MIN]];
  assert.deepEqual(result.rows, { '5m': touched('5m', spans), '1h': touched('1h', spans), '1d': touched('1d', spans) });
  assert.ok(result.rows['5m'] <= 2 * 14);
});

test('rollups keep tenants and datasets apart', async (t) => {
  const w = await open(t);
  const rnd = random(3);
  const one = [noisySeries({ host: 'a' }, T0, T0 + 2 * HOUR, rnd)];
  const two = [noisySeries({ host: 'a' }, T0, T0 + 2 * HOUR, rnd)];
  await w.replaceWindow('t1', 'cpu', { start: T0, end: T0 + 2 * HOUR }, one);
  await w.replaceWindow('t2', 'cpu', { start: T0, end: T0 + 2 * HOUR }, two);
  await w.rollup();
  assertSameRollup(await storedRollup(w, 't1', '1h'), expectedRollup('t1', 'cpu', one, '1h'), 't1');
  assertSameRollup(await storedRollup(w, 't2', '1h'), expectedRollup('t2', 'cpu', two, '1h'), 't2');
});

test('retention deletes each level by its own age and never recomputes buckets whose points are gone', async (t) => {
  const retention = { points: 2 * DAY, '5m': 4 * DAY, '1h': 6 * DAY, '1d': 30 * DAY };
  const w = await open(t, retention);
  const rnd = random(11);
  const end = T0 + 10 * DAY;
  const series = [noisySeries({ host: 'a' }, T0, end, rnd)];
  await ingest(w, 'default', 'cpu', series, T0, end, DAY);
  const now = end + 12 * HOUR; // points cutoff: T0 + 8.5 days
  const before = Object.fromEntries(
    await Promise.all(
      (['points', ...ROLLUP_LEVELS] as const).map(async (level) => {
        // Retention rolls pending windows up first, so count what exists after that.
        if (level !== 'points') await w.rollup();
        const [row] = await w.handle.read(`SELECT count(*) AS n FROM ${LEVEL_TABLE[level]}`);
        return [level, Number(row?.n)];
      }),
    ),
  );
  const deleted = await w.enforceRetention(now);
  const count = async (sql: string, params: number[]): Promise<number> => Number((await w.handle.read(sql, params))[0]?.n);
  const pointsCutoff = now - retention.points;
  assert.equal(deleted.points, series[0]!.samples.filter((p) => p.t < pointsCutoff).length);
  assert.equal(await count('SELECT count(*) AS n FROM points WHERE ts < $1', [pointsCutoff]), 0);
  assert.equal(await count('SELECT count(*) AS n FROM points', []), before.points - deleted.points);
  for (const level of ROLLUP_LEVELS) {
    const cutoff = now - retention[level];
    const expectedDeleted = [...expectedRollup('default', 'cpu', series, level).keys()].filter(
      (k) => Number(k.split('@')[1]) + LEVEL_WIDTH_MS[level] <= cutoff,
    ).length;
    assert.equal(deleted[level], expectedDeleted, level);
    assert.equal(await count(`SELECT count(*) AS n FROM ${LEVEL_TABLE[level]}`, []), before[level] - expectedDeleted);
  }
  assert.equal(deleted['1d'], 0);

  // Day 8 (T0+8d .. T0+9d) lost its first half of points; re-ingesting its second half must not
  // shrink its 1d rollup to that half.
  const day8Key = `${seriesId('default', 'cpu', { host: 'a' })}@${T0 + 8 * DAY}`;
  const dayBefore = (await storedRollup(w, 'default', '1d')).get(day8Key);
  await w.replaceWindow('default', 'cpu', { start: T0 + 8 * DAY + 18 * HOUR, end: T0 + 9 * DAY }, series);
  await w.rollup();
  assert.deepEqual((await storedRollup(w, 'default', '1d')).get(day8Key), dayBefore);
  assert.equal(dayBefore?.count, series[0]!.samples.filter((p) => p.t >= T0 + 8 * DAY && p.t < T0 + 9 * DAY).length);
});

test('the hour and day still filling are refreshed once enough new data arrived, and exactly when complete', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-rollup-open-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'r.duckdb');
  let w = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  const rnd = random(5);
  const start = T0 + 22 * HOUR;
  const series = [noisySeries({ host: 'a' }, start, start + 4 * HOUR, rnd)];
  const id = seriesId('default', 'cpu', { host: 'a' });
  const stored = async (level: RollupLevel, bucket: number): Promise<Expected | undefined> => (await storedRollup(w, 'default', level)).get(`${id}@${bucket}`);
  const expected = (level: RollupLevel, bucket: number, upTo: number): Expected | undefined =>
    expectedRollup('default', 'cpu', [{ labels: series[0]!.labels, samples: series[0]!.samples.filter((p) => p.t < upTo) }], level).get(`${id}@${bucket}`);
  const runs: { minute: number; rows: Record<RollupLevel, number> }[] = [];
  // Ingest 3 minutes at a time from 22:00, rolling up after each window, as the service does.
  const step = 3;
  for (let minute = step; minute <= 150; minute += step) {
    const end = start + minute * MIN;
    await w.replaceWindow('default', 'cpu', { start: end - step * MIN, end }, series);
    runs.push({ minute, rows: (await w.rollup()).rows });
    if (minute === 75) {
      // A restart in between keeps what is still waiting.
      await w.close();
      w = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
    }
  }
  t.after(() => w.close());
  const day2 = T0 + DAY;
  // The 5m level is refreshed at every run: a 3-minute window touches one or two 5m buckets.
  assert.ok(runs.every((r) => r.rows['5m'] >= 1 && r.rows['5m'] <= 2));
  // Day 1 (the 22:00-24:00 part) was computed when its data began, then every hour of data,
  // and exactly once complete; day 2 is new at minute 121 and computed at once.
  const dayRuns = runs.filter((r) => r.rows['1d'] > 0).map((r) => r.minute);
  assert.deepEqual(dayRuns, [3, 63, 120, 123]);
  // The hour refreshes every 5 minutes of data, when a new hour begins, and when complete.
  const hourRuns = runs.filter((r) => r.rows['1h'] > 0).map((r) => r.minute);
  assert.ok(hourRuns.length <= 30, `hour refreshed at ${hourRuns.length} of ${runs.length} runs`);
  for (const m of [3, 9, 60, 63, 120, 123]) assert.ok(hourRuns.includes(m), `hour refreshed at minute ${m}`);
  assert.ok(!hourRuns.includes(6), 'not refreshed before 5 minutes of new data');
  // Completed buckets equal an independent computation; the open day holds its state at minute 121.
  const now = start + 150 * MIN;
  assertSameRollup(new Map([['d1', (await stored('1d', T0))!]]), new Map([['d1', expected('1d', T0, now)!]]), 'day 1 complete');
  assertSameRollup(new Map([['h', (await stored('1h', start + HOUR))!]]), new Map([['h', expected('1h', start + HOUR, now)!]]), '23:00 complete');
  assertSameRollup(new Map([['d2', (await stored('1d', day2))!]]), new Map([['d2', expected('1d', day2, start + 123 * MIN)!]]), 'day 2 as of minute 123');
  // Once an hour more of data has arrived, the next run brings the open day up to date.
  for (let minute = 150 + step; minute <= 183; minute += step) {
    const end = start + minute * MIN;
    await w.replaceWindow('default', 'cpu', { start: end - step * MIN, end }, series);
    await w.rollup();
  }
  assertSameRollup(new Map([['d2', (await stored('1d', day2))!]]), new Map([['d2', expected('1d', day2, start + 183 * MIN)!]]), 'day 2 an hour later');
});
