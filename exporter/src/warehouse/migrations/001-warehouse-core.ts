import type { Migration } from './migration.js';

// Times are BIGINT Unix milliseconds (UTC) throughout: bucketing is integer arithmetic and
// nothing depends on the session's time zone. Every table leads with `tenant`.
const rollupColumns = `
  tenant VARCHAR NOT NULL,
  dataset VARCHAR NOT NULL,
  series_id BIGINT NOT NULL,
  bucket BIGINT NOT NULL,      -- bucket start, Unix ms, aligned to the level's width (UTC)
  count BIGINT NOT NULL,
  sum DOUBLE,
  min DOUBLE,
  max DOUBLE,
  avg DOUBLE,
  p50 DOUBLE,                  -- quantile_cont: linear interpolation between closest ranks
  p95 DOUBLE,
  p99 DOUBLE,
  last DOUBLE,                 -- value at last_ts
  last_ts BIGINT NOT NULL`;

export const warehouseCore: Migration = {
  version: 1,
  name: 'warehouse core: reference data, points, rollups, watermarks, ingest runs',
  up: [
    `CREATE TABLE datasets (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       first_seen_ms BIGINT NOT NULL,
       last_ingest_ms BIGINT NOT NULL,   -- end of the latest window written
       PRIMARY KEY (tenant, dataset))`,
    `CREATE TABLE series (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       series_id BIGINT NOT NULL,        -- 53-bit hash of tenant, dataset and series_key
       series_key VARCHAR NOT NULL,      -- canonical label text, {a="1",b="2"}
       labels MAP(VARCHAR, VARCHAR) NOT NULL,
       first_seen_ms BIGINT NOT NULL,    -- earliest sample written
       last_seen_ms BIGINT NOT NULL,     -- latest sample written
       PRIMARY KEY (tenant, dataset, series_id))`,
    // No primary key on points: an index would slow the Appender several-fold; uniqueness of
    // (series, ts) is kept by replaceWindow, which deletes a window before writing it.
    `CREATE TABLE points (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       series_id BIGINT NOT NULL,
       ts BIGINT NOT NULL,
       value DOUBLE NOT NULL)`,
    `CREATE TABLE rollup_5m (${rollupColumns})`,
    `CREATE TABLE rollup_1h (${rollupColumns})`,
    `CREATE TABLE rollup_1d (${rollupColumns})`,
    // Windows written since the last rollup run: the rollup recomputes only the buckets they touch.
    `CREATE TABLE rollup_dirty (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       start_ms BIGINT NOT NULL,
       end_ms BIGINT NOT NULL)`,
    // Service-wide (retention applies to every tenant alike): the points cutoff of the last
    // retention run, below which buckets are not recomputed because their points are gone.
    `CREATE TABLE retention_cutoffs (
       level VARCHAR PRIMARY KEY,
       cutoff_ms BIGINT NOT NULL)`,
    `CREATE TABLE watermarks (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       watermark_ms BIGINT NOT NULL,     -- end of the last window ingested
       PRIMARY KEY (tenant, dataset))`,
    `CREATE TABLE ingest_runs (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       window_start_ms BIGINT NOT NULL,
       window_end_ms BIGINT NOT NULL,
       rows BIGINT NOT NULL,
       status VARCHAR NOT NULL,          -- ok | error
       error VARCHAR,
       duration_ms DOUBLE NOT NULL,
       finished_at_ms BIGINT NOT NULL)`,
  ],
};
