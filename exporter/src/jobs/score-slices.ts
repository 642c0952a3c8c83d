import { scoreAligned, type GroupDetector, type ScoredPoint } from '@sextant/core/anomaly';
import { yieldToEventLoop } from '../event-loop.js';

/** A member's points, in time order. */
export interface MemberSteps {
  ts: number[];
  values: number[];
}

const SLICE_MS = 3_600_000;

/**
 * `scoreAligned` in slices of time, with a turn for the event loop between slices: a group's first
 * run can hold weeks of points, seconds of work, and the service must keep answering meanwhile.
 * A slice ends at a time boundary, so every step keeps all its members and the scores are exactly
 * those of one call over everything.
 */
export async function scoreAlignedInSlices(detector: GroupDetector, members: readonly MemberSteps[], sliceMs = SLICE_MS): Promise<ScoredPoint[][]> {
  const out: ScoredPoint[][] = members.map(() => []);
  const next = members.map(() => 0);
  const earliest = () => Math.min(...members.map((m, i) => m.ts[next[i]!] ?? Infinity));
  for (let from = earliest(); from !== Infinity; from = earliest()) {
    const slice = members.map((m, i) => {
      const start = next[i]!;
      let end = start;
      while (end < m.ts.length && m.ts[end]! < from + sliceMs) end++;
      next[i] = end;
      return { ts: m.ts.slice(start, end), values: m.values.slice(start, end) };
    });
    scoreAligned(detector, slice).forEach((points, i) => {
      for (const p of points) out[i]!.push(p);
    });
    await yieldToEventLoop();
  }
  return out;
}
