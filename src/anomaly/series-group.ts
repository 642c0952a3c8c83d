/**
 * Which series are scored together by a group's isolation forest, and how their points are lined
 * up in time. The rule: a series belongs to the group of its service (its `service` label, or
 * else its `job` label, since Prometheus jobs usually name services), or else to the group of its
 * host (its `instance` label); a series with none of these labels is scored alone. Groups span
 * datasets (a service's request rate, error ratio, latency and memory are one group) but never
 * tenants.
 */
import type { Labels } from '../model/index.js';
import type { ScoredPoint } from './explanation.js';
import type { GroupDetector } from './group.js';

/** The group a series belongs to (`service:<name>` or `host:<instance>`), or undefined when none. */
export function seriesGroupOf(labels: Labels): string | undefined {
  const service = labels.service ?? labels.job;
  if (service !== undefined && service !== '') return `service:${service}`;
  if (labels.instance !== undefined && labels.instance !== '') return `host:${labels.instance}`;
  return undefined;
}

/** Points of one member series, in time order. */
export interface MemberPoints {
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Scores a group's members on the union of their timestamps (a member without a point at a step
 * counts as missing there, which teaches its own detector nothing); returns, for each member, the
 * scored points at its own timestamps, each the larger of its own score and the group's.
 */
export function scoreAligned(group: GroupDetector, members: readonly MemberPoints[]): ScoredPoint[][] {
  if (members.length !== group.size) throw new Error(`group of ${group.size} series got ${members.length} members`);
  const out: ScoredPoint[][] = members.map(() => []);
  const next = new Int32Array(members.length);
  const values = new Float64Array(members.length);
  for (;;) {
    let t = Infinity;
    for (let i = 0; i < members.length; i++) if (next[i]! < members[i]!.ts.length) t = Math.min(t, members[i]!.ts[next[i]!]!);
    if (t === Infinity) return out;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      values[i] = next[i]! < m.ts.length && m.ts[next[i]!] === t ? m.values[next[i]!]! : Number.NaN;
    }
    const points = group.update(t, values);
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if (next[i]! < m.ts.length && m.ts[next[i]!] === t) {
        out[i]!.push(points[i]!);
        next[i] = next[i]! + 1;
      }
    }
  }
}
