import type { Severity } from './severity.js';

/** Names of the detectors that can fire, as exported in the `sextant_detector` label. */
export type DetectorName = 'seasonal-baseline' | 'robust-level' | 'level-shift' | 'out-of-range' | 'drift' | 'isolation-forest' | 'ensemble';

/** A score and why: what was expected, the band of normal values, and which detector fired. */
export interface ScoredPoint {
  t: number;
  value: number;
  /** Calibrated anomaly score in [0,1]. */
  score: number;
  expected: number;
  lower: number;
  upper: number;
  /** Deviation from the expected value in robust standard deviations. */
  deviation: number;
  detector: DetectorName;
  severity: Severity;
}
