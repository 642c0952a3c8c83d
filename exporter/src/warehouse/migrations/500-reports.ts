import type { Migration } from './migration.js';

// Generated reports: one row per report file (or folder, for csv and parquet). Times are BIGINT Unix ms (UTC).
export const reportTables: Migration = {
  version: 500,
  name: 'reports: generated report files',
  up: [
    `CREATE TABLE reports (
       tenant VARCHAR NOT NULL,
       id VARCHAR NOT NULL,
       period VARCHAR NOT NULL,          -- daily | weekly | monthly
       format VARCHAR NOT NULL,          -- html | pdf | xlsx | csv | parquet
       range_start_ms BIGINT NOT NULL,   -- the period [start, end)
       range_end_ms BIGINT NOT NULL,
       created_at_ms BIGINT NOT NULL,
       trigger VARCHAR NOT NULL,         -- api | schedule
       status VARCHAR NOT NULL,          -- ok | error
       error VARCHAR,
       path VARCHAR,                     -- the file, or the folder of per-table files (csv, parquet)
       bytes BIGINT,
       PRIMARY KEY (tenant, id))`,
  ],
};
