import type { RollupLevel, StorageLevel } from './warehouse.js';

export const ROLLUP_LEVELS: readonly RollupLevel[] = ['5m', '1h', '1d'];
export const STORAGE_LEVELS: readonly StorageLevel[] = ['points', ...ROLLUP_LEVELS];

/** Width of each rollup bucket in ms; buckets are aligned to the Unix epoch (UTC days). */
export const LEVEL_WIDTH_MS: Record<RollupLevel, number> = {
  '5m': 5 * 60_000,
  '1h': 60 * 60_000,
  '1d': 24 * 60 * 60_000,
};

/** Table of each level. SQL only ever takes table names from this map, never from input. */
export const LEVEL_TABLE: Record<StorageLevel, string> = {
  points: 'points',
  '5m': 'rollup_5m',
  '1h': 'rollup_1h',
  '1d': 'rollup_1d',
};

export function isStorageLevel(value: string): value is StorageLevel {
  return (STORAGE_LEVELS as readonly string[]).includes(value);
}

/** The column each level's rows are placed in time by: a point's time, a bucket's start. */
export const LEVEL_TIME_COLUMN: Record<StorageLevel, string> = { points: 'ts', '5m': 'bucket', '1h': 'bucket', '1d': 'bucket' };

const ROLLUP_COLUMNS = ['tenant', 'dataset', 'series_id', 'bucket', 'count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last', 'last_ts'];

/** The columns of each level's table, in table order. */
export const LEVEL_COLUMNS: Record<StorageLevel, readonly string[]> = {
  points: ['tenant', 'dataset', 'series_id', 'ts', 'value'],
  '5m': ROLLUP_COLUMNS,
  '1h': ROLLUP_COLUMNS,
  '1d': ROLLUP_COLUMNS,
};
