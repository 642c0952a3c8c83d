// The membership protocol on an in-memory table (the ClickHouse table is exercised by
// tests/replicas-cluster.test.ts): views from the live rows, a dead member's share moving on
// after the lease, a second process with the same id refused, the lease this replica holds, and
// units held for a backfill.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../log.js';
import { Membership } from './membership.js';
import type { ReplicaRow, ReplicaStore } from './replica-store.js';
import { unitKey } from './share.js';

class MemoryReplicas implements ReplicaStore {
  readonly table = new Map<string, ReplicaRow>();
  async beat(row: ReplicaRow): Promise<void> {
    this.table.set(row.id, structuredClone(row));
  }
  async rows(): Promise<ReplicaRow[]> {
    return [...this.table.values()].map((r) => structuredClone(r));
  }
}

const log = createLogger('error');
const KEYS = Array.from({ length: 500 }, (_, i) => unitKey(`s${i}`));

function replicas(ids: string[]) {
  const store = new MemoryReplicas();
  const clock = { now: 1_000_000 };
  const members = ids.map((id) => new Membership({ store, id, heartbeatMs: 1_000, leaseMs: 3_000, now: () => clock.now, log }));
  return { store, clock, members };
}

test('two replicas split the keys once both have claimed; a dead one\'s share moves after the lease', async () => {
  const { clock, members } = replicas(['r1', 'r2']);
  const [r1, r2] = members as [Membership, Membership];
  await r1.beat();
  await r2.beat();
  await r1.claim('score');
  const s2 = await r2.claim('score');
  const s1 = await r1.claim('score');
  assert.deepEqual(s1.view, ['r1', 'r2']);
  for (const k of KEYS) assert.equal(Number(s1.owns(k)) + Number(s2.owns(k)), 1);
  // r2 dies: its row ages; within the lease r1 keeps to its half.
  clock.now += 2_500;
  await r1.beat();
  const within = await r1.claim('score');
  assert.deepEqual(within.view, ['r1', 'r2']);
  assert.ok(KEYS.some((k) => !within.owns(k)));
  clock.now += 600;
  const after = await r1.claim('score');
  assert.deepEqual(after.view, ['r1']);
  assert.ok(KEYS.every((k) => after.owns(k)), 'r1 owns everything once r2 is past its lease');
});

test('a replica joining waits for the member still claiming the old view', async () => {
  const { members } = replicas(['r1', 'r2']);
  const [r1, r2] = members as [Membership, Membership];
  const alone = await r1.claim('score');
  assert.ok(KEYS.every((k) => alone.owns(k)));
  const joining = await r2.claim('score');
  assert.ok(KEYS.every((k) => !joining.owns(k)), 'r1 still acts under [r1]: r2 takes nothing yet');
  const s1 = await r1.claim('score');
  const s2 = await r2.claim('score');
  for (const k of KEYS) assert.equal(Number(s1.owns(k)) + Number(s2.owns(k)), 1);
});

test('a second process with the same id is refused; a replica whose heartbeats fail stops holding its lease', async () => {
  const store = new MemoryReplicas();
  const clock = { now: 5_000_000 };
  const options = { store, id: 'r1', heartbeatMs: 1_000, leaseMs: 3_000, now: () => clock.now, log };
  const first = new Membership(options);
  const twin = new Membership(options);
  await first.claim('score');
  await assert.rejects(twin.claim('score'), /another process runs as replica "r1"/);
  assert.ok(first.holdsLease());
  clock.now += 1_999;
  assert.ok(first.holdsLease());
  clock.now += 1;
  assert.ok(!first.holdsLease(), 'after lease minus one heartbeat without a row written');
});

test('a replica that leaves at shutdown hands its share over at the others\' next claim, not after the lease', async () => {
  const { members } = replicas(['r1', 'r2']);
  const [r1, r2] = members as [Membership, Membership];
  await r1.claim('score');
  await r2.claim('score');
  assert.deepEqual((await r1.claim('score')).view, ['r1', 'r2']);
  await r2.leave();
  const alone = await r1.claim('score');
  assert.deepEqual(alone.view, ['r1']);
  assert.ok(KEYS.every((k) => alone.owns(k)));
  assert.ok(!r2.holdsLease());
});

test('a held unit is left alone by its owner from its next run, the holder starts once it has yielded, and two holders take turns', async () => {
  const store = new MemoryReplicas();
  const clock = { now: 9_000_000 };
  const member = (id: string) => new Membership({ store, id, heartbeatMs: 5, leaseMs: 3_000, now: () => clock.now, log });
  const [r1, r2] = [member('r1'), member('r2')];
  await r1.claim('ingest');
  await r2.claim('ingest');
  const share = await r1.claim('ingest');
  const unit = [String(KEYS.find((k) => share.owns(k))!)];
  const k = Number(unit[0]);
  let r2Holds = false;
  const holding = r2.hold('ingest', unit, () => false).then((held) => (r2Holds = held));
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(!r2Holds, 'r1 claimed the unit before the hold and has not run since: r2 waits');
  const during = await r1.claim('ingest');
  assert.ok(!during.owns(k), 'r1 leaves the held unit alone');
  assert.ok(KEYS.some((other) => during.owns(other)), 'and keeps the rest of its share');
  await holding;
  assert.ok(r2Holds, 'r2 holds the unit once r1 has yielded it');
  // r1 wants the same unit: it waits while r2 holds it, whatever the ids.
  let r1Holds = false;
  const second = r1.hold('ingest', unit, () => false).then((held) => (r1Holds = held));
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok(!r1Holds, 'never two holders at once');
  await r2.release('ingest', unit);
  await second;
  assert.ok(r1Holds);
  await r1.release('ingest', unit);
  assert.ok(!(await r1.claim('ingest')).owns(k), 'released: still yielded in the row this run was claimed under');
  assert.ok((await r1.claim('ingest')).owns(k), 'and owned again at the next run');
});
