// The cold tier: old points and rollups moved out of the warehouse's tables into Parquet files
// beside it, read back transparently by queries. An engine that keeps its history cheaply in its
// own storage (ClickHouse's compressed parts) has no cold tier.
import type { StorageLevel } from './warehouse.js';

/** One day of one level moved to its file. */
export interface ColdMove {
  level: StorageLevel;
  /** Start of the UTC day, Unix ms. */
  day: number;
  rows: number;
  /** Size of the Parquet file. */
  bytes: number;
}

export interface ColdMoveProgress {
  /** Days (of any level) moved so far in this run, and due in total. */
  done: number;
  total: number;
  /** The day just moved; undefined when it had nothing left to move (another write took it). */
  moved: ColdMove | undefined;
}

export interface ColdMoveResult {
  /** Days moved per level, and their rows and bytes. */
  days: Record<StorageLevel, number>;
  rows: Record<StorageLevel, number>;
  bytes: Record<StorageLevel, number>;
  /** Days due that this run left for the next (stopped, or waiting for their rollup). */
  left: number;
}

/** Files of each level in the cold tier, with their rows and bytes. */
export type ColdStats = Record<StorageLevel, { files: number; rows: number; bytes: number }>;

export interface ColdTier {
  /**
   * Moves every day of every level whose rows are all older than the level's cold age to the day's
   * Parquet file, one day at a time (each day one transaction), rolling up pending windows first.
   * Stops between days when `signal` aborts.
   */
  moveCold(now: number, options?: { signal?: AbortSignal; onProgress?: (progress: ColdMoveProgress) => void }): Promise<ColdMoveResult>;
  coldStats(): Promise<ColdStats>;
}
