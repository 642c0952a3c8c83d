// Compares what ingest stored in the DuckDB warehouse with what PromQL answers over the same windows.
import assert from 'node:assert/strict';
import type { DuckDbWarehouse } from '../../exporter/src/warehouse/duckdb-warehouse.js';
import { promQueryRange } from './prometheus.js';

/** Stored points of a dataset per series (labels JSON -> [ts, value][]), in time order. */
export async function storedPoints(warehouse: DuckDbWarehouse, dataset: string, tenant = 'default'): Promise<Map<string, Array<[number, number]>>> {
  const rows = await warehouse.handle.read(
    `SELECT s.series_key, p.ts, p.value FROM points p JOIN series s USING (tenant, dataset, series_id)
     WHERE p.tenant = $1 AND p.dataset = $2 ORDER BY s.series_key, p.ts`,
    [tenant, dataset],
  );
  const out = new Map<string, Array<[number, number]>>();
  for (const r of rows) {
    const key = String(r.series_key);
    const list = out.get(key) ?? [];
    list.push([Number(r.ts), Number(r.value)]);
    out.set(key, list);
  }
  return out;
}

/** No (series, timestamp) twice, and each series' timestamps one step apart. */
export async function assertNoGapNoDuplicate(warehouse: DuckDbWarehouse, dataset: string, stepMs: number): Promise<void> {
  const duplicates = await warehouse.handle.read(
    `SELECT series_id, ts, count(*) AS n FROM points WHERE dataset = $1 GROUP BY series_id, ts HAVING count(*) > 1 LIMIT 5`,
    [dataset],
  );
  assert.deepEqual(duplicates, [], `duplicates in ${dataset}`);
  for (const [key, points] of await storedPoints(warehouse, dataset)) {
    for (let i = 1; i < points.length; i += 1) {
      assert.equal(points[i]![0] - points[i - 1]![0], stepMs, `gap in ${dataset} ${key} after ${new Date(points[i - 1]![0]).toISOString()}`);
    }
  }
}

const keyOf = (metric: Record<string, string>, keep: readonly string[]): string =>
  `{${keep.filter((k) => metric[k] !== undefined).sort().map((k) => `${k}="${metric[k]}"`).join(',')}}`;

/** Stored points equal PromQL's answer for `query` at every step of [start, end). */
export async function assertPointsMatchPromQL(
  warehouse: DuckDbWarehouse,
  prometheusUrl: string,
  dataset: { name: string; query: string; keepLabels: string[]; stepMs: number },
  start: number,
  end: number,
): Promise<number> {
  const expected = await promQueryRange(prometheusUrl, dataset.query, start, end - dataset.stepMs, dataset.stepMs);
  assert.ok(expected.length > 0, `Prometheus has no series for ${dataset.query}: nothing to compare the warehouse with`);
  const stored = await storedPoints(warehouse, dataset.name);
  assert.deepEqual([...stored.keys()].sort(), expected.map((s) => keyOf(s.metric, dataset.keepLabels)).sort());
  let n = 0;
  for (const series of expected) {
    const got = stored.get(keyOf(series.metric, dataset.keepLabels)) ?? [];
    const want = series.values.map(([t, v]): [number, number] => [Math.round(t * 1000), Number(v)]);
    assert.equal(got.length, want.length, `points of ${dataset.name} ${keyOf(series.metric, dataset.keepLabels)}`);
    for (const [i, [t, v]] of want.entries()) {
      assert.equal(got[i]![0], t);
      assertClose(got[i]![1], v, `${dataset.name} at ${new Date(t).toISOString()}`);
      n += 1;
    }
  }
  return n;
}

const MEASURES: Array<[column: string, promql: (inner: string) => string]> = [
  ['count', (q) => `count_over_time(${q})`],
  ['sum', (q) => `sum_over_time(${q})`],
  ['min', (q) => `min_over_time(${q})`],
  ['max', (q) => `max_over_time(${q})`],
  ['avg', (q) => `avg_over_time(${q})`],
  // Both quantile_over_time and DuckDB's quantile_cont interpolate linearly between closest ranks.
  ['p50', (q) => `quantile_over_time(0.5, ${q})`],
  ['p95', (q) => `quantile_over_time(0.95, ${q})`],
  ['p99', (q) => `quantile_over_time(0.99, ${q})`],
  ['last', (q) => `last_over_time(${q})`],
];

/**
 * Every rollup bucket of the level equals PromQL's *_over_time of the dataset query as a subquery at
 * the dataset's step, evaluated 1 ms before the bucket ends: the subquery then holds exactly the
 * bucket's step-aligned points [bucket start, bucket end).
 */
export async function assertRollupsMatchPromQL(
  warehouse: DuckDbWarehouse,
  prometheusUrl: string,
  dataset: { name: string; query: string; keepLabels: string[]; stepMs: number },
  level: '5m' | '1h',
  start: number,
  end: number,
): Promise<number> {
  const widthMs = level === '5m' ? 300_000 : 3_600_000;
  const rows = await warehouse.handle.read(
    `SELECT s.series_key, r.* FROM rollup_${level} r JOIN series s USING (tenant, dataset, series_id)
     WHERE r.dataset = $1 AND r.bucket >= $2 AND r.bucket < $3`,
    [dataset.name, start, end],
  );
  const stored = new Map(rows.map((r) => [`${String(r.series_key)}@${Number(r.bucket)}`, r]));
  const inner = `(${dataset.query})[${widthMs / 1000}s:${dataset.stepMs / 1000}s]`;
  let checked = 0;
  for (const [column, promql] of MEASURES) {
    const expected = await promQueryRange(prometheusUrl, promql(inner), start + widthMs - 1, end - 1, widthMs);
    let buckets = 0;
    for (const series of expected) {
      for (const [t, v] of series.values) {
        const bucket = Math.round(t * 1000) + 1 - widthMs;
        const row = stored.get(`${keyOf(series.metric, dataset.keepLabels)}@${bucket}`);
        assert.ok(row, `no ${level} rollup of ${dataset.name} ${keyOf(series.metric, dataset.keepLabels)} at ${new Date(bucket).toISOString()}`);
        assertClose(Number(row[column]), Number(v), `${level} ${column} of ${dataset.name} at ${new Date(bucket).toISOString()}`);
        buckets += 1;
        checked += 1;
      }
    }
    assert.equal(buckets, rows.length, `${column}: PromQL and the warehouse have the same buckets`);
  }
  return checked;
}

export function assertClose(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) return assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs PromQL ${expected}`);
}
