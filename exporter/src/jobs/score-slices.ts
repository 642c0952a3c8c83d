import { scoreAligned, type GroupDetector, type ScoredPoint, type UnivariateDetector } from '@sextant/core/anomaly';
import { yieldToEventLoop } from '../event-loop.js';

/** A member's points, in time order. */
export interface MemberSteps {
  ts: number[];
  values: number[];
}

/**
 * Points scored between two turns of the event loop. A group step costs about 5 us per member
 * (19 ms for 4,000 points of a 40-member group, 0.1-0.17 s on the soak's loaded machine), and every
 * 256 steps the group's forest is refitted (up to 15 ms for a wide group): 1,000 points stay within
 * about 5 ms of work besides a refit. A slice of time would not do: an hour of a wide group with
 * 15 s steps was 0.1-0.2 s of work.
 */
export const POINTS_PER_SLICE = 1_000;

/**
 * `scoreAligned` in slices of steps, with a turn for the event loop between slices: a group's first
 * run can hold weeks of points, seconds of work, and the service must keep answering meanwhile.
 * A slice is a run of whole steps (every member's point at a step is in the same slice), at most
 * `pointsPerSlice` points unless one step alone has more, so the scores are exactly those of one
 * call over everything.
 */
export async function scoreAlignedInSlices(detector: GroupDetector, members: readonly MemberSteps[], pointsPerSlice = POINTS_PER_SLICE): Promise<ScoredPoint[][]> {
  const out: ScoredPoint[][] = members.map(() => []);
  const next = members.map(() => 0);
  const stepAt = () => {
    let t = Infinity;
    members.forEach((m, i) => (t = Math.min(t, m.ts[next[i]!] ?? Infinity)));
    return t;
  };
  const starts = [...next];
  for (let t = stepAt(); t !== Infinity; ) {
    // Take whole steps while the slice has room.
    let points = 0;
    do {
      members.forEach((m, i) => {
        if (m.ts[next[i]!] === t) {
          next[i]! += 1;
          points += 1;
        }
      });
      t = stepAt();
    } while (t !== Infinity && points + members.length <= pointsPerSlice);
    const slice = members.map((m, i) => ({ ts: m.ts.slice(starts[i], next[i]), values: m.values.slice(starts[i], next[i]) }));
    starts.splice(0, starts.length, ...next);
    scoreAligned(detector, slice).forEach((scored, i) => {
      for (const p of scored) out[i]!.push(p);
    });
    await yieldToEventLoop();
  }
  return out;
}

/** A series scored alone by its own detector, with a turn for the event loop every `pointsPerSlice` points. */
export async function scoreAloneInSlices(detector: UnivariateDetector, member: MemberSteps, pointsPerSlice = POINTS_PER_SLICE): Promise<ScoredPoint[]> {
  const points: ScoredPoint[] = [];
  for (let i = 0; i < member.ts.length; i++) {
    if (i > 0 && i % pointsPerSlice === 0) await yieldToEventLoop();
    const t = member.ts[i]!;
    const v = member.values[i]!;
    points.push(detector.explain(t, v, detector.update(t, v)));
  }
  return points;
}
