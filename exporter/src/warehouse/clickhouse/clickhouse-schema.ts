// The ClickHouse tables of a warehouse. Points and rollups are MergeTree tables ordered by tenant,
// dataset, series and time (what every query filters on), partitioned by blocks of time so that
// retention drops whole partitions instead of rewriting parts. Rollup rows are recomputed, never
// updated: a ReplacingMergeTree keeps the newest version of a bucket, and reads use FINAL. Codecs
// (Delta/DoubleDelta for times, Gorilla for values, ZSTD on top) need ClickHouse 19.1 or later and
// are left out on older servers.
import { LEVEL_TABLE, LEVEL_WIDTH_MS, ROLLUP_LEVELS } from '../levels.js';
import type { RollupLevel, StorageLevel } from '../warehouse.js';

const DAY_MS = 86_400_000;

/** Width of one partition of each level: retention drops a partition once all of it is too old. */
export const PARTITION_MS: Record<StorageLevel, number> = {
  points: DAY_MS,
  '5m': DAY_MS,
  '1h': 30 * DAY_MS,
  '1d': 365 * DAY_MS,
};

export interface SchemaOptions {
  database: string;
  /** Column codecs (ClickHouse >= 19.1). */
  codecs: boolean;
}

export function schemaStatements(o: SchemaOptions): string[] {
  const codec = (spec: string): string => (o.codecs ? ` CODEC(${spec})` : '');
  const t = (name: string): string => `${o.database}.${name}`;
  const rollup = (level: RollupLevel): string => `CREATE TABLE IF NOT EXISTS ${t(LEVEL_TABLE[level])} (
      tenant String, dataset String, series_id Int64,
      bucket Int64${codec('DoubleDelta, ZSTD')},
      count UInt64, sum Float64, min Float64, max Float64, avg Float64, p50 Float64, p95 Float64, p99 Float64,
      last Float64, last_ts Int64, version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    PARTITION BY intDiv(bucket, ${PARTITION_MS[level]})
    ORDER BY (tenant, dataset, series_id, bucket)`;
  return [
    `CREATE DATABASE IF NOT EXISTS ${o.database}`,
    `CREATE TABLE IF NOT EXISTS ${t('points')} (
      tenant String, dataset String, series_id Int64,
      ts Int64${codec('DoubleDelta, ZSTD')},
      value Float64${codec('Gorilla, ZSTD')}
    ) ENGINE = MergeTree
    PARTITION BY intDiv(ts, ${PARTITION_MS.points})
    ORDER BY (tenant, dataset, series_id, ts)`,
    // Labels as two arrays: Map needs ClickHouse 21.1.
    `CREATE TABLE IF NOT EXISTS ${t('series')} (
      tenant String, dataset String, series_id Int64, series_key String,
      label_names Array(String), label_values Array(String),
      first_seen_ms Int64, last_seen_ms Int64, version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY (tenant, dataset, series_id)`,
    `CREATE TABLE IF NOT EXISTS ${t('watermarks')} (tenant String, dataset String, watermark_ms Int64)
    ENGINE = ReplacingMergeTree(watermark_ms) ORDER BY (tenant, dataset)`,
    `CREATE TABLE IF NOT EXISTS ${t('ingest_runs')} (
      tenant String, dataset String, window_start_ms Int64, window_end_ms Int64, rows UInt64,
      status String, error Nullable(String), duration_ms Float64, finished_at_ms Int64
    ) ENGINE = MergeTree ORDER BY (tenant, finished_at_ms)`,
    // Windows written since the last rollup run; a run recomputes their buckets, then deletes them.
    `CREATE TABLE IF NOT EXISTS ${t('rollup_dirty')} (tenant String, dataset String, start_ms Int64, end_ms Int64, seq UInt64)
    ENGINE = MergeTree ORDER BY seq`,
    ...ROLLUP_LEVELS.map(rollup),
  ];
}

/** The first bucket of `level` at or before `ms`, and the end of the last bucket that `end` touches. */
export function bucketSpan(level: RollupLevel, start: number, end: number): { start: number; end: number } {
  const width = LEVEL_WIDTH_MS[level];
  return { start: Math.floor(start / width) * width, end: Math.ceil(end / width) * width };
}
