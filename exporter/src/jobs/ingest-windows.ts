// The windows an ingest covers: aligned to the dataset's step (points sit on multiples of the step),
// cut at multiples of the window length (so re-runs cut the same windows), each [start, end) with
// the next starting exactly where the previous ended: no gap, no overlap.
import type { TimeRange } from '@sextant/core';

export function planWindows(from: number, to: number, stepMs: number, windowMs: number): TimeRange[] {
  const start = alignDown(from, stepMs);
  const end = alignDown(to, stepMs);
  // A window holds whole steps, at least one.
  const length = Math.max(stepMs, Math.ceil(windowMs / stepMs) * stepMs);
  const windows: TimeRange[] = [];
  for (let cursor = start; cursor < end; ) {
    const next = Math.min(end, alignDown(cursor, length) + length);
    windows.push({ start: cursor, end: next });
    cursor = next;
  }
  return windows;
}

export function alignDown(t: number, stepMs: number): number {
  return Math.floor(t / stepMs) * stepMs;
}
