import type { AnomalyMark, BandPoint } from '../../common/BandChart';
import type { Severity } from '../../common/types';

// PLACEHOLDER until the anomaly core lands on main: these mirror src/anomaly (severityOf,
// DEFAULT_UNIVARIATE_OPTIONS.bandSigmas and alarm.level) and are replaced by imports from it.
const BAND_SIGMAS = 3;
const ALARM_LEVEL = 0.5;
function severityOf(deviation: number): Severity {
  const d = Math.abs(deviation);
  return !(d < 10) ? 'critical' : d >= 6 ? 'high' : d >= 4 ? 'medium' : 'low';
}

/**
 * A scored point from Prometheus data becomes an anomaly mark when its score reaches the detector's
 * alarm level; its severity is the core's, from the deviation the band implies (the band is the
 * expected value plus and minus BAND_SIGMAS robust sigmas).
 */
export function markFromBand(point: BandPoint, score: number): AnomalyMark[] {
  if (score < ALARM_LEVEL || point.v === null || !isNumber(point.upper) || !isNumber(point.lower)) {
    return [];
  }
  const mid = (point.upper + point.lower) / 2;
  const half = (point.upper - point.lower) / 2;
  const deviation = half > 0 ? (BAND_SIGMAS * (point.v - mid)) / half : Infinity;
  return [{ t: point.t, v: point.v, score, severity: severityOf(deviation) }];
}

function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
