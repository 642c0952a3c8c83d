// Settings every warehouse engine shares: what each level keeps, how often open buckets roll up,
// and how big a query may get.
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
