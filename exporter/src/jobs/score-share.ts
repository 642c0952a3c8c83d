// The series one replica scores. A group scored together (score.ts: 2 to maxGroupSize members of
// one service or host) is one unit, keyed by its tenant and name, so its members and its forest stay
// on one replica; every other series is its own unit, keyed by its id (already a hash of its
// identity). With one process the share is WHOLE and every series is its own.
import { seriesGroupOf } from '@sextant/core/anomaly';
import type { Labels } from '@sextant/core';
import { groupBy } from '@sextant/core/collections';
import { unitKey, type Share } from '../replicas/share.js';

interface Scorable {
  seriesId: number;
  labels: Labels;
}

/** The tenant's series split into this replica's and the others', and the groups scored together. */
export function splitByShare<M extends Scorable>(series: readonly M[], share: Share, tenant: string, maxGroupSize: number): { owned: M[]; others: M[]; together: Set<string> } {
  const owned: M[] = [];
  const others: M[] = [];
  const together = new Set<string>();
  for (const [group, list] of groupBy(series, (m) => seriesGroupOf(m.labels))) {
    const whole = group !== undefined && list.length >= 2 && list.length <= maxGroupSize;
    if (whole) together.add(group);
    const groupOwned = whole && share.owns(unitKey(`${tenant}\u0000${group}`));
    for (const m of list) {
      const mine = whole ? groupOwned : share.owns(m.seriesId);
      (mine ? owned : others).push(m);
    }
  }
  return { owned, others, together };
}
