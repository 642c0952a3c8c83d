import type { Sample } from '../model/index.js';

/**
 * A simple causal anomaly score in [0, 1] for baselines and tests: the largest |z| over the signals
 * against an exponentially weighted mean and variance of earlier points, squashed by 1 - exp(-|z| / 4).
 * The signals must share timestamps (the first one's are used). A stand-in for the anomaly area's
 * calibrated scores where those are not at hand.
 */
export function ewmaAnomalyScore(lists: readonly (readonly Sample[])[]): Sample[] {
  const first = lists[0] ?? [];
  const state = lists.map(() => ({ mean: NaN, variance: 0 }));
  const alpha = 0.05;
  return first.map((sample, k) => {
    let worst = 0;
    lists.forEach((list, s) => {
      const v = list[k]?.v;
      if (v === undefined || Number.isNaN(v)) return;
      const st = state[s]!;
      if (Number.isNaN(st.mean)) {
        st.mean = v;
        return;
      }
      const z = Math.abs(v - st.mean) / Math.sqrt(st.variance + 1e-6);
      worst = Math.max(worst, z);
      const d = v - st.mean;
      st.mean += alpha * d;
      st.variance = (1 - alpha) * (st.variance + alpha * d * d);
    });
    return { t: sample.t, v: 1 - Math.exp(-worst / 4) };
  });
}
