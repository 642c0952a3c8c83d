// Which replica does what: Prometheus' hashmod over the live members. A unit of work (a series,
// a scoring group, a dataset to ingest, a singleton job) has a non-negative integer key, a hash of
// its identity; under a view (the live members' ids, sorted) its owner is view[key mod N].
//
// Views change when a member joins or dies, and two replicas may briefly hold different views. So
// ownership is claimed, not just computed: before a replica acts on a role (score, ingest, a job),
// it publishes the view it acts under (its claim, kept in its membership row until its next run
// of that role), and only then reads the others' claims. It acts on a unit only if the unit is its
// own under its view and no other live member claims it under theirs. Both sides write before
// they read, so of two replicas whose claims overlap at least one sees the other's and leaves the
// unit alone: a unit is never worked on by two replicas at once; at worst it waits one run.
//
// Work outside a role's jobs (an API backfill of a dataset, re-training after it) holds units of the
// role: the holder publishes them (role `<role>:held`, `*` for every unit), and every member leaves
// held units alone from its next run of the role on; once its run has read a hold it publishes the
// unit as yielded (role `<role>:yielded`), and the holder starts only when each member that claims
// the unit has yielded it (membership.ts). A unit released again is worked on one run later, so a
// member never works on a unit that its row still says it yields.

/** A live member's published claims: for each role, the view it acts under. */
export interface MemberClaims {
  id: string;
  views: Readonly<Record<string, readonly string[]>>;
}

/** The owner of `key` under `view` (sorted member ids), Prometheus' hashmod. */
export function ownerOf(view: readonly string[], key: number): string | undefined {
  if (view.length === 0) return undefined;
  return view[key % view.length];
}

/** The pseudo-role in which a member publishes the units of `role` it holds. */
export const heldRole = (role: string): string => `${role}:held`;
/** The pseudo-role in which a member publishes the held units of `role` it leaves alone. */
export const yieldedRole = (role: string): string => `${role}:yielded`;
/** A held unit that stands for every unit of the role. */
export const EVERY_UNIT = '*';

/** The units of `role` held by any live member (itself included), sorted. */
export function heldUnits(role: string, members: readonly MemberClaims[]): string[] {
  return [...new Set(members.flatMap((m) => m.views[heldRole(role)] ?? []))].sort();
}

/** True when the held unit `unit` (a key as text, or EVERY_UNIT) covers `key`. */
export function covers(unit: string, key: number): boolean {
  return unit === EVERY_UNIT || unit === String(key);
}

/** What one replica may work on for one role. */
export interface Share {
  /** The view this replica acts under. */
  readonly view: readonly string[];
  /** True when this replica may work on the unit of `key` now. */
  owns(key: number): boolean;
}

/** The whole of every role: one process, no replicas (DuckDB, or ClickHouse without `replica`). */
export const WHOLE: Share = { view: [], owns: () => true };

/**
 * `me`'s share of `role`: its own units under `view` that no other member claims, none held by a
 * member (`others` may include `me`: its own holds count too), and none in `yielded`, what `me`'s
 * row said it yields when it claimed `view`.
 */
export function shareOf(me: string, role: string, view: readonly string[], others: readonly MemberClaims[], yielded: readonly string[] = []): Share {
  const claims = others.filter((o) => o.id !== me && (o.views[role]?.length ?? 0) > 0).map((o) => ({ id: o.id, view: o.views[role]! }));
  const left = [...heldUnits(role, others), ...yielded];
  return {
    view,
    owns: (key) => ownerOf(view, key) === me && !claims.some((c) => ownerOf(c.view, key) === c.id) && !left.some((u) => covers(u, key)),
  };
}

/** FNV-1a over the UTF-16 code units: the key of a unit named by text (a dataset, a group, a job). */
export function unitKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
