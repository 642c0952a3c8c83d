import { DEFAULT_UNIVARIATE_OPTIONS, severityOf } from '@sextant/core/anomaly';
import type { AnomalyMark, BandPoint } from '../../common/BandChart';

/**
 * A scored point from Prometheus data becomes an anomaly mark when its score reaches the detector's
 * alarm level; its severity is the core's, read off the score (as the service's events have it).
 */
export function markFromBand(point: BandPoint, score: number): AnomalyMark[] {
  if (score < DEFAULT_UNIVARIATE_OPTIONS.alarm.level || point.v === null) return [];
  return [{ t: point.t, v: point.v, score, severity: severityOf(score) }];
}
