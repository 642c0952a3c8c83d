// Rollup rows computed by ClickHouse from the points, with the percentiles DuckDB's quantile_cont
// gives (linear interpolation between the two nearest ranks), so both engines answer alike.
import { LEVEL_TABLE, LEVEL_WIDTH_MS } from '../levels.js';
import type { RollupLevel } from '../warehouse.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlNumber, sqlString } from './sql-literal.js';

/** Percentile `p` of the sorted array `sorted` of `n` values: value at rank (n-1)p, interpolated. */
export function interpolatedQuantile(sorted: string, n: string, p: number): string {
  const rank = `((${n} - 1) * ${sqlNumber(p)})`;
  const below = `toUInt64(floor(${rank}))`;
  const lo = `arrayElement(${sorted}, ${below} + 1)`;
  const hi = `arrayElement(${sorted}, least(${below} + 2, ${n}))`;
  return `(${lo} + (${rank} - floor(${rank})) * (${hi} - ${lo}))`;
}

export interface RollupSpan {
  tenant: string;
  dataset: string;
  start: number;
  end: number;
}

/** Writes a new version of every bucket of `level` in the span that has points. */
export async function recomputeOnClickHouse(db: ClickHouseConnection, level: RollupLevel, span: RollupSpan, version: number): Promise<void> {
  const width = LEVEL_WIDTH_MS[level];
  await db.run(`INSERT INTO ${db.table(LEVEL_TABLE[level])}
    SELECT ${sqlString(span.tenant)}, ${sqlString(span.dataset)}, series_id, bucket, n, s, lo, hi, s / n,
           ${interpolatedQuantile('sorted', 'n', 0.5)}, ${interpolatedQuantile('sorted', 'n', 0.95)}, ${interpolatedQuantile('sorted', 'n', 0.99)},
           last, last_ts, ${sqlNumber(version)}
    FROM (
      SELECT series_id, intDiv(ts, ${width}) * ${width} AS bucket, count() AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi,
             arraySort(groupArray(value)) AS sorted, argMax(value, ts) AS last, max(ts) AS last_ts
      FROM ${db.table('points')}
      WHERE tenant = ${sqlString(span.tenant)} AND dataset = ${sqlString(span.dataset)} AND ts >= ${sqlNumber(span.start)} AND ts < ${sqlNumber(span.end)}
      GROUP BY series_id, bucket
    )`);
}
