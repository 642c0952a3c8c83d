// Settings every warehouse engine shares: what each level keeps, how often open buckets roll up,
// and how big a query may get.
import { availableParallelism } from 'node:os';
import type { RollupLevel, StorageLevel } from './warehouse.js';

export interface QueryLimits {
  /** Series a query may match after its filters. */
  maxSeries: number;
  /** Rows (groups x time buckets) a query may answer. */
  maxRows: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxSeries: 10_000, maxRows: 500_000 };

const DAY = 24 * 60 * 60_000;
export const DEFAULT_RETENTION_MS: Record<StorageLevel, number> = {
  points: 15 * DAY,
  '5m': 90 * DAY,
  '1h': 400 * DAY,
  '1d': 5 * 365 * DAY,
};

export const DEFAULT_ROLLUP_REFRESH_MS: Record<RollupLevel, number> = { '5m': 0, '1h': 5 * 60_000, '1d': 60 * 60_000 };

/**
 * DuckDB's threads in the service unless configured: the machine's cores less one, so that a core
 * is left to the event loop and to the requests' own queries while a job's rollup runs (on 2 cores,
 * 1 thread gave the soak a p99 10-15 ms lower than 2 in two pairs of runs, bench/results/soak.md).
 */
export function defaultDuckDbThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}
