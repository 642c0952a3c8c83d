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

export function splitByShare<M extends Scorable>(members: readonly M[], share: Share, tenant: string, maxGroupSize: number): { owned: M[]; others: M[] } {
  const owned: M[] = [];
  const others: M[] = [];
  for (const [group, list] of groupBy(members, (m) => seriesGroupOf(m.labels))) {
    const together = group !== undefined && list.length >= 2 && list.length <= maxGroupSize;
    const groupOwned = together && share.owns(unitKey(`${tenant}\u0000${group}`));
    for (const m of list) {
      const mine = together ? groupOwned : share.owns(m.seriesId);
      (mine ? owned : others).push(m);
    }
  }
  return { owned, others };
}
