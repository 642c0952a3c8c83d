// This process as one of several Sextant replicas sharing a warehouse: it writes its membership
// row every heartbeat (and whenever it claims a view of a role, share.ts), counts as live while its
// last row is younger than the lease, and reads the other live members' claims to know its share.
// A replica whose own heartbeats have failed for longer than the lease minus one heartbeat stops
// writing results (holdsLease): by then the others may be about to take its share over.
import { randomUUID } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import type { Job } from '../jobs/job.js';
import type { Logger } from '../log.js';
import type { ReplicaRow, ReplicaStore } from './replica-store.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { covers, EVERY_UNIT, heldRole, heldUnits, ownerOf, shareOf, yieldedRole, type Share } from './share.js';

/** What the jobs need from the membership: a share per role, and whether results may still be written. */
export interface ReplicaSharing {
  claim(role: string): Promise<Share>;
  holdsLease(): boolean;
}

/** What work outside the jobs (an API backfill) needs: units of a role held while it runs. */
export interface ReplicaHolds {
  /**
   * Holds `units` of `role` (keys as text, or EVERY_UNIT) and waits until no member may work on
   * them; false, with nothing held, if `stop()` turned true while waiting.
   */
  hold(role: string, units: readonly string[], stop: () => boolean): Promise<boolean>;
  release(role: string, units: readonly string[]): Promise<void>;
  holdsLease(): boolean;
}

export interface MembershipOptions {
  store: ReplicaStore;
  id: string;
  heartbeatMs: number;
  /** A member whose row is this old is dead; its share moves to the others at their next runs. */
  leaseMs: number;
  now: () => number;
  log: Logger;
  registry?: Registry;
}

export class Membership implements ReplicaSharing, ReplicaHolds {
  readonly instance = randomUUID();
  private readonly views: Record<string, string[]> = {};
  private lastBeat = -Infinity;
  private readonly members?: Gauge;
  private readonly beats?: Gauge;

  constructor(private readonly options: MembershipOptions) {
    const registers = options.registry ? [options.registry] : [];
    if (registers.length) {
      this.members = new Gauge({ name: 'sextant_replica_members', help: 'Live replicas in the view this replica last acted under, by role.', labelNames: ['role'], registers });
      this.beats = new Gauge({ name: 'sextant_replica_heartbeat_timestamp_seconds', help: 'When this replica last wrote its membership row.', registers });
    }
  }

  /** Writes this replica's row: alive now, acting under the views it last claimed. */
  async beat(): Promise<void> {
    const heartbeat = this.options.now();
    const views = Object.fromEntries(Object.entries(this.views).map(([role, view]) => [role, [...view]]));
    await this.options.store.beat({ id: this.options.id, instance: this.instance, heartbeat, views });
    this.lastBeat = Math.max(this.lastBeat, heartbeat);
    this.beats?.set(this.lastBeat / 1000);
  }

  holdsLease(): boolean {
    return this.options.now() - this.lastBeat < this.options.leaseMs - this.options.heartbeatMs;
  }

  /** Live members' rows; refuses when another live process uses this replica's id. */
  async live(): Promise<ReplicaRow[]> {
    const now = this.options.now();
    const live = (await this.options.store.rows()).filter((r) => now - r.heartbeat < this.options.leaseMs);
    const twin = live.find((r) => r.id === this.options.id && r.instance !== this.instance);
    if (twin) {
      throw new Error(
        `another process runs as replica "${this.options.id}" (its heartbeat ${new Date(twin.heartbeat).toISOString()}): ` +
          'each replica needs its own warehouse.clickhouse.replica.id; this one does no shared work until the other stops',
      );
    }
    return live;
  }

  /**
   * This replica's share of `role`: publishes the view it now acts under (the live members), then
   * reads the others' claims (share.ts explains why in that order).
   */
  async claim(role: string): Promise<Share> {
    const view = [...new Set([...(await this.live()).map((r) => r.id), this.options.id])].sort();
    const before = this.views[role];
    this.views[role] = view;
    await this.beat();
    if (before && before.join('\u0000') !== view.join('\u0000')) this.options.log.info('replicas: the members changed', { role, members: view });
    this.members?.set({ role }, view.length);
    const live = await this.live();
    const yielded = this.views[yieldedRole(role)] ?? [];
    const share = shareOf(this.options.id, role, view, live, yielded);
    // Held units seen now are yielded from here on (written after this read: share.ts says why).
    const held = heldUnits(role, live);
    if (held.join(',') !== yielded.join(',')) {
      this.setUnits(yieldedRole(role), held);
      await this.beat();
    }
    return share;
  }

  async hold(role: string, units: readonly string[], stop: () => boolean): Promise<boolean> {
    for (;;) {
      if (stop()) {
        await this.release(role, units);
        return false;
      }
      if (await this.tryHold(role, units)) return true;
      await sleep(this.options.heartbeatMs);
    }
  }

  async release(role: string, units: readonly string[]): Promise<void> {
    const mine = this.views[heldRole(role)] ?? [];
    if (!units.some((u) => mine.includes(u))) return;
    this.setUnits(heldRole(role), mine.filter((u) => !units.includes(u)));
    await this.beat();
  }

  /**
   * One attempt at holding: of two members holding overlapping units, the one with the smaller id
   * goes first and the other withdraws its hold until then. Both write before they read, so two
   * holders never both see the units free. Then every member that claims a held unit under its view
   * of the role must have yielded it.
   */
  private async tryHold(role: string, units: readonly string[]): Promise<boolean> {
    const me = this.options.id;
    const rivals = (rows: ReplicaRow[], before: (id: string) => boolean) =>
      rows.some((r) => r.id !== me && before(r.id) && (r.views[heldRole(role)] ?? []).some((u) => units.some((v) => u === v || u === EVERY_UNIT || v === EVERY_UNIT)));
    if (rivals(await this.live(), (id) => id < me)) {
      await this.release(role, units);
      return false;
    }
    const mine = this.views[heldRole(role)] ?? [];
    if (units.some((u) => !mine.includes(u))) {
      this.setUnits(heldRole(role), [...new Set([...mine, ...units])].sort());
      await this.beat();
    }
    const live = await this.live();
    if (rivals(live, () => true)) return false;
    return live.every((r) => {
      const view = r.views[role] ?? [];
      const yielded = r.views[yieldedRole(role)] ?? [];
      const claims = (u: string) => view.length > 0 && (u === EVERY_UNIT || ownerOf(view, Number(u)) === r.id);
      return units.every((u) => !claims(u) || yielded.some((y) => y === u || covers(y, Number(u))));
    });
  }

  private setUnits(role: string, units: readonly string[]): void {
    if (units.length) this.views[role] = [...units];
    else delete this.views[role];
  }

  /**
   * Leaves the membership at shutdown, once this replica's jobs have stopped: its row is written
   * as long dead, so the others take its share at their next runs instead of after the lease.
   */
  async leave(): Promise<void> {
    await this.options.store.beat({ id: this.options.id, instance: this.instance, heartbeat: 0, views: {} });
    this.lastBeat = -Infinity;
  }

  /** The heartbeat, as a scheduled job. */
  heartbeatJob(): Job {
    return { name: 'replica-heartbeat', intervalMs: this.options.heartbeatMs, run: () => this.beat() };
  }
}
