import { DEFAULT_UNIVARIATE_OPTIONS, UnivariateDetector, type UnivariateOptions } from './univariate.js';

/** Scores a whole series in order with a fresh detector; returns one score per point. */
export function scoreSeries(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: UnivariateOptions = DEFAULT_UNIVARIATE_OPTIONS,
): Float64Array {
  const detector = new UnivariateDetector(options);
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) scores[i] = detector.update(timestamps[i]!, values[i]!);
  return scores;
}
