// Identities of scoring groups in the warehouse: a group's state row is keyed by a number derived
// from its name, and carries a fingerprint of its members, so a group whose members changed (a
// new pod, a series gone) starts afresh instead of feeding a forest vectors of another shape; an
// alarm's evidence names the members it blames by their series.

import { seriesKey, type Labels } from '@sextant/core';
import { unitKey } from '../replicas/share.js';

/** A series as the score job identifies it. */
export interface GroupMember {
  dataset: string;
  seriesId: number;
}

/** The state row id of the group named `key` (negative, so it can never be a real series' id). */
export function groupStateId(key: string): number {
  return -1 - unitKey(key);
}

/** Fingerprint of a group's ordered members. */
export function membershipOf(members: readonly GroupMember[]): number {
  return unitKey(members.map((m) => `${m.dataset}\u0000${m.seriesId}`).join('\u0001'));
}

/**
 * A member's series as explanations name it: its dataset and labels as Prometheus prints a series
 * (`http_request_duration_p95_seconds{job="api"}`; `__name__` only when it differs from the dataset).
 */
export function memberName(member: { dataset: string; labels: Labels }): string {
  const { __name__: name, ...rest } = member.labels;
  const labels = name === undefined || name === member.dataset ? rest : member.labels;
  return Object.keys(labels).length ? `${member.dataset}${seriesKey(labels)}` : member.dataset;
}
