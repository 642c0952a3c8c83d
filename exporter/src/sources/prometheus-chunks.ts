// Splits a window into query_range calls that each return at most `maxPoints` points per series
// (Prometheus refuses more than 11,000). Prometheus evaluates at start, start+step, ... <= end, both
// ends included; our ranges are half-open, so a chunk asks for its first and last evaluation times.
import type { TimeRange } from '@sextant/core';

export interface QueryChunk {
  /** First evaluation time, Unix ms. */
  start: number;
  /** Last evaluation time (inclusive), Unix ms. */
  end: number;
}

export function planChunks(range: TimeRange, stepMs: number, maxPoints: number): QueryChunk[] {
  if (!(stepMs > 0)) throw new RangeError(`step must be positive, got ${stepMs}`);
  if (!(maxPoints >= 1)) throw new RangeError(`maxPointsPerQuery must be at least 1, got ${maxPoints}`);
  const first = Math.ceil(range.start / stepMs) * stepMs;
  const last = Math.ceil(range.end / stepMs) * stepMs - stepMs;
  const chunks: QueryChunk[] = [];
  for (let start = first; start <= last; start += maxPoints * stepMs) {
    chunks.push({ start, end: Math.min(last, start + (maxPoints - 1) * stepMs) });
  }
  return chunks;
}
