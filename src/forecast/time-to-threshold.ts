import { forecastAt, type SeasonalFit } from './seasonal.js';

export interface ThresholdCrossing {
  /** First time the forecast reaches the threshold. */
  at: number;
  /** `at - from`. */
  etaMs: number;
}

export interface CrossingOptions {
  threshold: number;
  /** Look no further than this. */
  maxHorizonMs: number;
  /** Scan resolution; a daily profile with hourly bins needs no finer than a few minutes. */
  stepMs: number;
  /** Residual standard deviations added to the forecast, so the estimate errs on the early side. */
  margin?: number;
}

/**
 * When the forecast (plus `margin` residual deviations) first reaches `threshold` after `from`, or
 * undefined if not within `maxHorizonMs`. Already at or above it at `from` gives an ETA of 0.
 */
export function timeToThreshold(fit: SeasonalFit, from: number, options: CrossingOptions): ThresholdCrossing | undefined {
  const lift = (options.margin ?? 0) * fit.residualStd;
  for (let t = from; t <= from + options.maxHorizonMs; t += options.stepMs) {
    if (forecastAt(fit, t) + lift >= options.threshold) return { at: t, etaMs: t - from };
  }
  return undefined;
}
