import type { Migration } from './migration.js';

// Coarse levels refresh the bucket still being filled (the current hour or day) at most once per
// stretch of new data, instead of re-reading all of its points at every run.
export const rollupOpenBuckets: Migration = {
  version: 2,
  name: 'rollup bookkeeping for open buckets: deferred windows per level, last refresh of the open bucket',
  up: [
    // Windows whose buckets at `level` still wait for their rollup.
    `CREATE TABLE rollup_pending (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       level VARCHAR NOT NULL,
       start_ms BIGINT NOT NULL,
       end_ms BIGINT NOT NULL)`,
    // Per dataset and level: the open bucket last computed, and the watermark it was computed at.
    `CREATE TABLE rollup_open (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       level VARCHAR NOT NULL,
       bucket BIGINT NOT NULL,
       computed_at_watermark_ms BIGINT NOT NULL,
       PRIMARY KEY (tenant, dataset, level))`,
  ],
};
