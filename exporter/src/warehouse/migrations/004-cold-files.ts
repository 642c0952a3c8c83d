import type { Migration } from './migration.js';

// The cold tier's manifest: which days of which level live in Parquet files instead of their table.
// A file counts only once its row is here (written in the transaction that deletes its rows from
// the table), so a file without a row is a move that never committed and is deleted at start.
export const coldFiles: Migration = {
  version: 4,
  name: 'cold tier: the manifest of days moved to Parquet',
  up: [
    `CREATE TABLE cold_files (
       level VARCHAR NOT NULL,         -- points | 5m | 1h | 1d
       day_ms BIGINT NOT NULL,         -- start of the UTC day; the file is <warehouse>.cold/<level>/<YYYY-MM-DD>.parquet
       rows BIGINT NOT NULL,
       bytes BIGINT NOT NULL,
       moved_at_ms BIGINT NOT NULL,
       PRIMARY KEY (level, day_ms))`,
  ],
};
