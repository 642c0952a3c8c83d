import { featureIndex } from './features.js';

/**
 * The two baselines the forest must beat. Both read the same feature vectors the forest reads.
 * Static thresholds: 1 when memory or disk use went above 85 %, CPU above 90 % or the error ratio
 * above 5 % in the window, else 0 (a classic static alert rule, so its PR curve has one point).
 */
export interface StaticThresholds {
  memory: number;
  disk: number;
  cpu: number;
  errorRatio: number;
}

export const DEFAULT_STATIC_THRESHOLDS: StaticThresholds = { memory: 0.85, disk: 0.85, cpu: 0.9, errorRatio: 0.05 };

export function staticThresholdScore(x: ArrayLike<number>, limits: StaticThresholds = DEFAULT_STATIC_THRESHOLDS): number {
  const above = (feature: string, limit: number) => x[featureIndex(feature)]! > limit;
  return above('memory_max', limits.memory) ||
    above('disk_max', limits.disk) ||
    above('cpu_max', limits.cpu) ||
    above('errorRatio_max', limits.errorRatio)
    ? 1
    : 0;
}

/** "Anomaly score above x", swept over x: the score is the window's highest anomaly score. */
export function anomalyScoreBaseline(x: ArrayLike<number>): number {
  const v = x[featureIndex('anomaly_score_max')]!;
  return Number.isNaN(v) ? 0 : v;
}
