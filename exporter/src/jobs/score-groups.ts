// Identities of scoring groups in the warehouse: a group's state row is keyed by a number derived
// from its name, and carries a fingerprint of its members, so a group whose members changed (a
// new pod, a series gone) starts afresh instead of feeding a forest vectors of another shape.

/** A series as the score job identifies it. */
export interface GroupMember {
  dataset: string;
  seriesId: number;
}

/** FNV-1a over the UTF-16 code units, as a non-negative 32-bit integer. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The state row id of the group named `key` (negative, so it can never be a real series' id). */
export function groupStateId(key: string): number {
  return -1 - fnv1a(key);
}

/** Fingerprint of a group's ordered members. */
export function membershipOf(members: readonly GroupMember[]): number {
  return fnv1a(members.map((m) => `${m.dataset}\u0000${m.seriesId}`).join('\u0001'));
}
