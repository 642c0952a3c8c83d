// The demo's requests, as logs and traces see them: per minute, the scenario's request rate, error
// ratio and p95 latency of a service, and a log-normal latency model with that p95. Logs and traces
// derive from these numbers, so their incidents happen at the same minutes as in the metrics.
import type { TimeRange } from '../model/index.js';
import type { DemoScenario } from './scenario.js';

const MINUTE = 60_000;

/**
 * Spread of ln(duration): with it, the log-normal's p99 is about 1.9 times its p95, the tail the
 * scenario gives its p99 series.
 */
export const LATENCY_SIGMA = 0.94;
const Z95 = 1.6448536269514722;

export interface MinuteLoad {
  /** Start of the minute, Unix ms. */
  t: number;
  requestsPerSecond: number;
  errorRatio: number;
  p95Seconds: number;
}

/** The service's load for each minute that overlaps `range`, in order. */
export function serviceLoad(world: DemoScenario, service: string, range: TimeRange): MinuteLoad[] {
  const minutes = { start: Math.floor(range.start / MINUTE) * MINUTE, end: range.end };
  const of = (metric: 'http_requests_per_second' | 'http_error_ratio' | 'http_request_duration_p95_seconds'): Map<number, number> => {
    const series = world.series(metric, minutes, MINUTE).find((s) => s.labels.service === service);
    return new Map((series?.samples ?? []).map((s) => [s.t, s.v]));
  };
  const rate = of('http_requests_per_second');
  const errors = of('http_error_ratio');
  const p95 = of('http_request_duration_p95_seconds');
  const loads: MinuteLoad[] = [];
  for (let t = minutes.start; t < minutes.end; t += MINUTE) {
    loads.push({ t, requestsPerSecond: rate.get(t) ?? 0, errorRatio: errors.get(t) ?? 0, p95Seconds: p95.get(t) ?? 0 });
  }
  return loads;
}

/** Median of the log-normal whose 95th percentile is `p95Seconds`. */
export function medianSeconds(p95Seconds: number): number {
  return p95Seconds / Math.exp(Z95 * LATENCY_SIGMA);
}

/** A request's duration for a standard normal draw `g`. */
export function requestSeconds(p95Seconds: number, g: number): number {
  return medianSeconds(p95Seconds) * Math.exp(LATENCY_SIGMA * g);
}

/** Share of requests slower than `thresholdSeconds`. */
export function slowShare(p95Seconds: number, thresholdSeconds: number): number {
  if (p95Seconds <= 0) return 0;
  return 1 - normalCdf(Math.log(thresholdSeconds / medianSeconds(p95Seconds)) / LATENCY_SIGMA);
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
