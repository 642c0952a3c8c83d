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
}

export const DAILY: SeasonalOptions = { periodMs: 86_400_000, bins: 24 };

/**
 * Fits trend and profile by backfitting (trend on the deseasonalised values, profile on the detrended
 * ones, a few rounds), since a cycle over a finite span biases a plain line fit. Without a full period
 * of history the profile stays flat (trend only).
 */
export function fitSeasonal(samples: readonly Sample[], options: SeasonalOptions = DAILY): SeasonalFit | undefined {
  const points = samples.filter((s) => Number.isFinite(s.v));
  const span = points.length > 0 ? points[points.length - 1]!.t - points[0]!.t : 0;
  let trend = fitLinear(points);
  if (!trend) return undefined;
  let profile = new Array<number>(options.bins).fill(NaN);
  const rounds = span >= options.periodMs ? 4 : 0;
  for (let round = 0; round < rounds; round += 1) {
    const sums = new Array<number>(options.bins).fill(0);
    const counts = new Array<number>(options.bins).fill(0);
    for (const s of points) {
      const b = phaseBin(s.t, options);
      sums[b] = sums[b]! + s.v - valueAt(trend, s.t);
      counts[b] = counts[b]! + 1;
    }
    profile = sums.map((sum, b) => (counts[b]! > 0 ? sum / counts[b]! : NaN));
    const current = profile;
    trend = fitLinear(points.map((s) => ({ t: s.t, v: s.v - offsetOf(current, s.t, options) })), trend.origin)!;
  }
  const fit: SeasonalFit = { trend, periodMs: options.periodMs, profile, residualStd: 0 };
  let ss = 0;
  for (const s of points) ss += (s.v - forecastAt(fit, s.t)) ** 2;
  fit.residualStd = Math.sqrt(ss / Math.max(1, points.length - 2));
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
