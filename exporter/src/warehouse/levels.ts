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
