import { scoreSeries } from '../anomaly/index.js';
import type { Sample } from '../model/index.js';

/**
 * The anomaly score of an entity over time: each signal scored by the anomaly area's univariate
 * ensemble (causal, calibrated to [0, 1]), and at every timestamp the highest score of its signals.
 */
export function entityAnomalyScore(signals: Readonly<Record<string, readonly Sample[] | undefined>>): Sample[] {
  const worst = new Map<number, number>();
  for (const samples of Object.values(signals)) {
    if (!samples?.length) continue;
    const scores = scoreSeries(
      samples.map((p) => p.t),
      samples.map((p) => p.v),
    );
    samples.forEach((p, i) => worst.set(p.t, Math.max(worst.get(p.t) ?? 0, scores[i]!)));
  }
  return [...worst.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}
