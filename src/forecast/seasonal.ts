import type { Sample } from '../model/index.js';
import { fitLinear, valueAt, type LinearFit } from './linear.js';

/** A linear trend plus a repeating profile (e.g. the daily cycle), fitted on history. */
export interface SeasonalFit {
  trend: LinearFit;
  periodMs: number;
  /** Mean detrended value per phase bin; NaN where history had no point in that bin. */
  profile: number[];
  /** Standard deviation of what trend and profile leave unexplained. */
  residualStd: number;
}

export interface SeasonalOptions {
  periodMs: number;
  bins: number;
  /**
   * Fit the trend that is extrapolated on the deseasonalised points of only this much recent history
   * (the profile still uses all of it): a fill that started yesterday is not averaged away by a flat week.
   */
  trendWindowMs?: number;
}

export const DAILY: SeasonalOptions = { periodMs: 86_400_000, bins: 24 };

/**
 * Fits trend and profile by backfitting (trend on the deseasonalised values, profile on the detrended
 * ones, a few rounds), since a cycle over a finite span biases a plain line fit. Without a full period
 * of history the profile stays flat (trend only).
 */
export function fitSeasonal(samples: readonly Sample[], options: SeasonalOptions = DAILY): SeasonalFit | undefined {
  const points = samples.filter((s) => Number.isFinite(s.v));
  if (points.length < 2) return undefined;
  const last = points[points.length - 1]!.t;
  const recentFrom = options.trendWindowMs === undefined ? -Infinity : last - options.trendWindowMs;
  // With a trend window, the profile comes from the history before it, so a recent change of course
  // is not mistaken for part of the daily cycle.
  const older = points.filter((s) => s.t < recentFrom);
  const profilePoints = older.length >= 2 && older[older.length - 1]!.t - older[0]!.t >= options.periodMs ? older : points;
  let trend = fitLinear(profilePoints, last)!;
  let profile = new Array<number>(options.bins).fill(NaN);
  const span = profilePoints[profilePoints.length - 1]!.t - profilePoints[0]!.t;
  const rounds = span >= options.periodMs ? 4 : 0;
  for (let round = 0; round < rounds; round += 1) {
    const sums = new Array<number>(options.bins).fill(0);
    const counts = new Array<number>(options.bins).fill(0);
    for (const s of profilePoints) {
      const b = phaseBin(s.t, options);
      sums[b] = sums[b]! + s.v - valueAt(trend, s.t);
      counts[b] = counts[b]! + 1;
    }
    profile = sums.map((sum, b) => (counts[b]! > 0 ? sum / counts[b]! : NaN));
    const current = profile;
    trend = fitLinear(profilePoints.map((s) => ({ t: s.t, v: s.v - offsetOf(current, s.t, options) })), last)!;
  }
  if (options.trendWindowMs !== undefined) {
    const current = profile;
    const recent = points.filter((s) => s.t >= recentFrom).map((s) => ({ t: s.t, v: s.v - offsetOf(current, s.t, options) }));
    trend = fitLinear(recent, last) ?? trend;
  }
  const fit: SeasonalFit = { trend, periodMs: options.periodMs, profile, residualStd: 0 };
  const judged = points.filter((s) => s.t >= recentFrom);
  let ss = 0;
  for (const s of judged) ss += (s.v - forecastAt(fit, s.t)) ** 2;
  fit.residualStd = Math.sqrt(ss / Math.max(1, judged.length - 2));
  return fit;
}

function offsetOf(profile: readonly number[], t: number, options: SeasonalOptions): number {
  const offset = profile[phaseBin(t, options)]!;
  return Number.isNaN(offset) ? 0 : offset;
}

export function forecastAt(fit: SeasonalFit, t: number): number {
  return valueAt(fit.trend, t) + offsetOf(fit.profile, t, { periodMs: fit.periodMs, bins: fit.profile.length });
}

function phaseBin(t: number, options: SeasonalOptions): number {
  const phase = ((t % options.periodMs) + options.periodMs) % options.periodMs;
  return Math.min(options.bins - 1, Math.floor((phase / options.periodMs) * options.bins));
}
