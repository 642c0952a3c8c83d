import { DEFAULT_UNIVARIATE_OPTIONS, severityOf } from '@sextant/core/anomaly';
import type { AnomalyMark, BandPoint } from '../../common/BandChart';

/**
 * A scored point from Prometheus data becomes an anomaly mark when its score reaches the detector's
 * alarm level; its severity is the core's, from the deviation the band implies (the band is the
 * expected value plus and minus `bandSigmas` robust sigmas).
 */
export function markFromBand(point: BandPoint, score: number): AnomalyMark[] {
  const { alarm, bandSigmas } = DEFAULT_UNIVARIATE_OPTIONS;
  if (score < alarm.level || point.v === null || !isFiniteNumber(point.upper) || !isFiniteNumber(point.lower)) {
    return [];
  }
  const mid = (point.upper + point.lower) / 2;
  const half = (point.upper - point.lower) / 2;
  const deviation = half > 0 ? (bandSigmas * (point.v - mid)) / half : Infinity;
  return [{ t: point.t, v: point.v, score, severity: severityOf(deviation) }];
}

function isFiniteNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
