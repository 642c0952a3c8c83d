// Rollups and retention on DuckDB: the buckets touched since the last run recomputed from the points,
// and rows past their level's retention deleted.
import { LEVEL_TABLE, LEVEL_WIDTH_MS, ROLLUP_LEVELS, STORAGE_LEVELS } from './levels.js';
import type { DuckDbHandle, Row } from './duckdb-handle.js';
import type { DuckDbColdTier } from './cold/duckdb-cold-tier.js';
import type { KnownSeries } from './known-series.js';
import { datasetKey, planLevel, type BucketSpan, type DirtyWindow } from './rollup-plan.js';
import { recomputeSpan } from './rollup-sql.js';
import type { RollupLevel, RollupResult, StorageLevel } from './warehouse.js';

/**
 * Recomputes, at every level, the buckets that windows written since the last run touch, from
 * the points (percentiles cannot be derived from finer rollups), in one transaction. The bucket
 * still filling at a coarse level is refreshed per `rollupRefreshMs` (see planLevel).
 */
export function rollupOnDuckDb(handle: DuckDbHandle, refreshMs: Record<RollupLevel, number>): Promise<RollupResult> {
  return handle.write(async (tx) => {
    const asWindow = (r: Row): DirtyWindow => ({
      tenant: String(r.tenant),
      dataset: String(r.dataset),
      start: Number(r.start_ms),
      end: Number(r.end_ms),
    });
    const fresh = (await tx.read('SELECT tenant, dataset, start_ms, end_ms FROM rollup_dirty')).map(asWindow);
    const pending = await tx.read('SELECT level, tenant, dataset, start_ms, end_ms FROM rollup_pending');
    const watermarks = new Map(
      (await tx.read('SELECT tenant, dataset, watermark_ms FROM watermarks')).map((r) => [datasetKey(String(r.tenant), String(r.dataset)), Number(r.watermark_ms)]),
    );
    const openRows = await tx.read('SELECT level, tenant, dataset, bucket, computed_at_watermark_ms FROM rollup_open');
    const [cutoff] = await tx.read(`SELECT cutoff_ms FROM retention_cutoffs WHERE level = 'points'`);
    const notBefore = cutoff ? Number(cutoff.cutoff_ms) : -Infinity;
    const rows: Record<RollupLevel, number> = { '5m': 0, '1h': 0, '1d': 0 };
    const deferred: [RollupLevel, BucketSpan][] = [];
    for (const level of ROLLUP_LEVELS) {
      const windows = [...fresh, ...pending.filter((r) => r.level === level).map(asWindow)];
      const open = new Map(
        openRows
          .filter((r) => r.level === level)
          .map((r) => [datasetKey(String(r.tenant), String(r.dataset)), { bucket: Number(r.bucket), computedAtWatermark: Number(r.computed_at_watermark_ms) }]),
      );
      const plan = planLevel(level, windows, notBefore, watermarks, open, refreshMs[level]);
      for (const span of plan.recompute) rows[level] += await recomputeSpan(tx, level, span);
      for (const o of plan.opened) {
        await tx.run(
          `INSERT INTO rollup_open VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant, dataset, level) DO UPDATE SET bucket = excluded.bucket, computed_at_watermark_ms = excluded.computed_at_watermark_ms`,
          [o.tenant, o.dataset, level, o.bucket, o.computedAtWatermark],
        );
      }
      deferred.push(...plan.defer.map((span): [RollupLevel, BucketSpan] => [level, span]));
    }
    await tx.run('DELETE FROM rollup_dirty');
    await tx.run('DELETE FROM rollup_pending');
    for (const [level, span] of deferred) {
      await tx.run('INSERT INTO rollup_pending VALUES ($1, $2, $3, $4, $5)', [span.tenant, span.dataset, level, span.start, span.end]);
    }
    return { rows };
  });
}

/**
 * Deletes points older than their retention and rollup buckets that end before theirs, in the
 * tables and in the cold tier (the caller rolls up pending windows first, so no bucket is computed
 * from half-deleted points).
 */
export async function enforceRetentionOnDuckDb(
  handle: DuckDbHandle,
  retentionMs: Record<StorageLevel, number>,
  knownSeries: KnownSeries,
  cold: DuckDbColdTier,
  now: number,
): Promise<Record<StorageLevel, number>> {
  const longest = Math.max(...STORAGE_LEVELS.map((l) => retentionMs[l]));
  return handle.write(async (tx) => {
    const deleted: Record<StorageLevel, number> = { points: 0, '5m': 0, '1h': 0, '1d': 0 };
    const pointsCutoff = now - retentionMs.points;
    deleted.points = await tx.run('DELETE FROM points WHERE ts < $1', [pointsCutoff]);
    await tx.run(
      `INSERT INTO retention_cutoffs VALUES ('points', $1)
       ON CONFLICT (level) DO UPDATE SET cutoff_ms = greatest(cutoff_ms, excluded.cutoff_ms)`,
      [pointsCutoff],
    );
    for (const level of ROLLUP_LEVELS) {
      deleted[level] = await tx.run(`DELETE FROM ${LEVEL_TABLE[level]} WHERE bucket + $1 <= $2`, [
        LEVEL_WIDTH_MS[level],
        now - retentionMs[level],
      ]);
    }
    const dropped = await cold.expire(tx, now);
    for (const level of STORAGE_LEVELS) deleted[level] += dropped[level];
    // Reference rows and run history outlive every level they describe, then go too.
    await tx.run('DELETE FROM series WHERE last_seen_ms < $1', [now - longest]);
    tx.onCommit(() => knownSeries.forgetAll());
    await tx.run('DELETE FROM ingest_runs WHERE finished_at_ms < $1', [now - longest]);
    return deleted;
  });
}
