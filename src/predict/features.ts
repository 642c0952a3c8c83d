import type { Sample } from '../model/index.js';
import type { AlertPeriod } from './alerts.js';

/** Signals every entity may have, each as rollup-like samples (e.g. 5m averages; p95 for latency). */
export const SIGNALS = [
  'cpu',
  'memory',
  'processMemory',
  'disk',
  'requestRate',
  'errorRatio',
  'latencyP95',
  'logErrorRate',
  'traceLatencyP95',
] as const;
export type Signal = (typeof SIGNALS)[number];

/** What the warehouse knows of one entity (a service or a host) over some time. */
export interface EntityHistory {
  entity: string;
  /** Samples per signal, sorted by time; absent signals give missing (NaN) features. */
  signals: Partial<Record<Signal, readonly Sample[]>>;
  /** Anomaly scores in [0, 1] of the entity's series, sorted by time. */
  anomalyScore?: readonly Sample[];
}

export interface WindowOptions {
  /** Length of each feature window. */
  windowMs: number;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** Cap for "time since the last alert", also used when the entity never alerted. */
const SINCE_ALERT_CAP_HOURS = 168;

export const FEATURE_NAMES: readonly string[] = [
  ...SIGNALS.flatMap((s) => [`${s}_level`, `${s}_max`, `${s}_slope_per_hour`]),
  'anomaly_score_mean',
  'anomaly_score_max',
  'hours_since_last_alert',
  'hour_of_day_sin',
  'hour_of_day_cos',
  'day_of_week_sin',
  'day_of_week_cos',
];

/**
 * Computes feature vectors for window ends in ascending order over one entity, in one pass per signal.
 * The window of end `e` holds samples with start < t <= e, so a vector uses no point after `e`.
 */
export function featureVectors(
  history: EntityHistory,
  entityAlerts: readonly AlertPeriod[],
  ends: readonly number[],
  options: WindowOptions,
): Float64Array[] {
  const vectors = ends.map(() => new Float64Array(FEATURE_NAMES.length).fill(NaN));
  SIGNALS.forEach((signal, s) => {
    const samples = history.signals[signal];
    if (samples) fillWindowStats(samples, ends, options.windowMs, vectors, s * 3, true);
  });
  const anomalyAt = SIGNALS.length * 3;
  if (history.anomalyScore) fillWindowStats(history.anomalyScore, ends, options.windowMs, vectors, anomalyAt, false);
  let alertIndex = 0;
  let lastAlertStart: number | undefined;
  ends.forEach((end, r) => {
    while (alertIndex < entityAlerts.length && entityAlerts[alertIndex]!.startsAt <= end) {
      lastAlertStart = entityAlerts[alertIndex]!.startsAt;
      alertIndex += 1;
    }
    const v = vectors[r]!;
    const hours = lastAlertStart === undefined ? SINCE_ALERT_CAP_HOURS : (end - lastAlertStart) / HOUR_MS;
    v[anomalyAt + 2] = Math.min(SINCE_ALERT_CAP_HOURS, hours);
    const dayAngle = (2 * Math.PI * (((end % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS))) / (24 * HOUR_MS);
    // 1970-01-01 was a Thursday; shift by 3 days so the weekly angle starts on Monday.
    const weekAngle = (2 * Math.PI * ((((end + 3 * 24 * HOUR_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS)) / WEEK_MS;
    v[anomalyAt + 3] = Math.sin(dayAngle);
    v[anomalyAt + 4] = Math.cos(dayAngle);
    v[anomalyAt + 5] = Math.sin(weekAngle);
    v[anomalyAt + 6] = Math.cos(weekAngle);
  });
  return vectors;
}

/** Writes mean, max and (if `withSlope`) least-squares slope per hour of each window at `offset`. */
function fillWindowStats(
  samples: readonly Sample[],
  ends: readonly number[],
  windowMs: number,
  vectors: Float64Array[],
  offset: number,
  withSlope: boolean,
): void {
  let lo = 0;
  let hi = 0;
  ends.forEach((end, r) => {
    while (hi < samples.length && samples[hi]!.t <= end) hi += 1;
    while (lo < hi && samples[lo]!.t <= end - windowMs) lo += 1;
    let n = 0;
    let sum = 0;
    let max = -Infinity;
    for (let k = lo; k < hi; k += 1) {
      const v = samples[k]!.v;
      if (Number.isNaN(v)) continue;
      n += 1;
      sum += v;
      if (v > max) max = v;
    }
    if (n === 0) return;
    const out = vectors[r]!;
    const mean = sum / n;
    out[offset] = mean;
    out[offset + 1] = max;
    if (withSlope) out[offset + 2] = n >= 2 ? slopePerHour(samples, lo, hi, end, mean) : 0;
  });
}

function slopePerHour(samples: readonly Sample[], lo: number, hi: number, end: number, meanV: number): number {
  let n = 0;
  let sumT = 0;
  for (let k = lo; k < hi; k += 1) {
    if (Number.isNaN(samples[k]!.v)) continue;
    n += 1;
    sumT += (samples[k]!.t - end) / HOUR_MS;
  }
  const meanT = sumT / n;
  let sxy = 0;
  let sxx = 0;
  for (let k = lo; k < hi; k += 1) {
    const s = samples[k]!;
    if (Number.isNaN(s.v)) continue;
    const dt = (s.t - end) / HOUR_MS - meanT;
    sxy += dt * (s.v - meanV);
    sxx += dt * dt;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export function featureIndex(name: string): number {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`featureIndex: unknown feature ${name}`);
  return i;
}
