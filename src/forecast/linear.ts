import type { Sample } from '../model/index.js';

/** Least-squares line through samples: value(t) = intercept + slopePerMs * (t - origin). */
export interface LinearFit {
  origin: number;
  intercept: number;
  slopePerMs: number;
  /** Standard deviation of the residuals. */
  residualStd: number;
  points: number;
}

export function fitLinear(samples: readonly Sample[], origin = samples[samples.length - 1]?.t ?? 0): LinearFit | undefined {
  const points = samples.filter((s) => Number.isFinite(s.v));
  const n = points.length;
  if (n < 2) return undefined;
  let meanT = 0;
  let meanV = 0;
  for (const s of points) {
    meanT += s.t - origin;
    meanV += s.v;
  }
  meanT /= n;
  meanV /= n;
  let sxy = 0;
  let sxx = 0;
  for (const s of points) {
    const dt = s.t - origin - meanT;
    sxy += dt * (s.v - meanV);
    sxx += dt * dt;
  }
  const slopePerMs = sxx === 0 ? 0 : sxy / sxx;
  const intercept = meanV - slopePerMs * meanT;
  let ss = 0;
  for (const s of points) ss += (s.v - (intercept + slopePerMs * (s.t - origin))) ** 2;
  return { origin, intercept, slopePerMs, residualStd: Math.sqrt(ss / Math.max(1, n - 2)), points: n };
}

export function valueAt(fit: LinearFit, t: number): number {
  return fit.intercept + fit.slopePerMs * (t - fit.origin);
}

/**
 * What Prometheus' `predict_linear(v[range], horizon)` evaluated at `at` returns: a least-squares line
 * through the samples in [at - range, at], read at `at + horizon`.
 */
export function predictLinear(samples: readonly Sample[], at: number, rangeMs: number, horizonMs: number): number | undefined {
  const fit = fitLinear(samples.filter((s) => s.t >= at - rangeMs && s.t <= at), at);
  return fit && valueAt(fit, at + horizonMs);
}
