import type { WriteContext } from './duckdb-handle.js';
import { LEVEL_TABLE, LEVEL_WIDTH_MS } from './levels.js';
import type { BucketSpan } from './rollup-plan.js';
import type { RollupLevel } from './warehouse.js';

/** Longest stretch of points one statement aggregates, so a full recomputation stays in memory. */
const PIECE_MS = LEVEL_WIDTH_MS['1d'];

/** Replaces one span of buckets of one dataset at one level; returns rollup rows written. */
export async function recomputeSpan(tx: WriteContext, level: RollupLevel, span: BucketSpan): Promise<number> {
  const table = LEVEL_TABLE[level];
  const width = LEVEL_WIDTH_MS[level];
  await tx.run(`DELETE FROM ${table} WHERE tenant = $1 AND dataset = $2 AND bucket >= $3 AND bucket < $4`, [
    span.tenant,
    span.dataset,
    span.start,
    span.end,
  ]);
  const step = Math.max(width, PIECE_MS);
  let rows = 0;
  for (let start = span.start; start < span.end; start += step) {
    // Tenant and dataset are constants of the span: grouping by them would only hash strings.
    rows += await tx.run(
      `INSERT INTO ${table}
       SELECT $1, $2, series_id, bucket, n, s, lo, hi, s / n, q[1], q[2], q[3], last, last_ts FROM (
         SELECT series_id, (ts // $5) * $5 AS bucket,
                count(*) AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi,
                quantile_cont(value, [0.5, 0.95, 0.99]) AS q,
                arg_max(value, ts) AS last, max(ts) AS last_ts
         FROM points WHERE tenant = $1 AND dataset = $2 AND ts >= $3 AND ts < $4
         GROUP BY series_id, bucket)`,
      [span.tenant, span.dataset, start, Math.min(span.end, start + step), width],
    );
  }
  return rows;
}
