// The alert history behind the intake log (alert-intake.ts), whatever the engine: what changed is
// decided here, from a cache of each instance's last state, and acknowledged once in the log; the
// engine's AlertEventsTable answers the reads, after the log is loaded into it. When replicas share
// the history (ClickHouse), each records what changed as it sees it and the reads fold every
// replica's rows into one history (clickhouse/clickhouse-alert-changes.ts).
import type { AlertInstanceColumns } from '@sextant/core/alerts';
import type { AlertEventRow, AlertIntake } from './alert-intake.js';
import type { AlertObservation, AlertRuleSeen, AlertState, AlertStore, HistoryRow } from './alert-store.js';
import { RecentHistoryReads } from './recent-history-reads.js';
import { forEachInTurns } from '../event-loop.js';

/** The last state of one instance, as the table knows it. */
export interface InstanceState {
  tenant: string;
  fingerprint: string;
  startsAtMs: number;
  seq: number;
  state: AlertState;
  /** When that state was observed. */
  observedAtMs: number;
}

export type InstanceKey = Pick<InstanceState, 'tenant' | 'fingerprint' | 'startsAtMs'>;

export interface OpenInstance {
  fingerprint: string;
  startsAtMs: number;
  state: AlertState;
  labels: Record<string, string>;
  observedAtMs: number;
}

export interface HistoryFilter {
  alertname?: string;
  fingerprint?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
}

/** The reads of alert_events in one engine; each sees what is loaded, the store loads first. */
export interface AlertEventsTable {
  /** Last state of every instance not resolved, or that started at or after `since`. */
  lastStates(since: number): Promise<InstanceState[]>;
  /** Last state of those of `keys` that the table holds. */
  lastStatesOf(keys: readonly InstanceKey[]): Promise<InstanceState[]>;
  instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns>;
  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns>;
  rules(tenant: string, fromMs: number, toMs: number): Promise<AlertRuleSeen[]>;
  tenants(): Promise<string[]>;
  open(tenant: string): Promise<OpenInstance[]>;
  history(tenant: string, filter: HistoryFilter): Promise<HistoryRow[]>;
  /**
   * The history and the id of the last intake segment the table holds, read in one snapshot (an
   * engine with transactions): the store then answers without waiting for a load (AlertIntake.readAround).
   */
  historyWithIntake?(tenant: string, filter: HistoryFilter): Promise<{ rows: HistoryRow[]; loadedThrough: number }>;
}

interface LastState {
  state: AlertState;
  seq: number;
  startsAtMs: number;
  observedAtMs: number;
}

export interface IntakeAlertStoreOptions {
  /** Instances remembered; trimming keeps half of it, room for many commits before the next trim. */
  cacheLimit?: number;
  /**
   * Other processes record into the same history (Sextant replicas on one ClickHouse database):
   * before deciding what changed, the store reads the last states the table holds for the batch's
   * instances, so a change another replica recorded is not mistaken for no change here.
   */
  shared?: boolean;
}

/** Instances remembered; beyond this, the resolved ones that started earliest are forgotten. */
const CACHE_LIMIT = 200_000;
/** Resolved instances remembered at start: re-deliveries come within minutes, never a week later. */
const RECENT_MS = 7 * 86_400_000;
/** Instances looked up in the table per query. */
const LOOKUP_CHUNK = 300;
/**
 * How long a shared store waits for the other replicas' last states before it decides from its own
 * (the webhook's answer must not wait on a slow or unreachable warehouse).
 */
const CATCH_UP_BUDGET_MS = 500;

/**
 * alert_events is append-only, without a unique index (on DuckDB, maintaining one cost most of each
 * webhook commit): the store itself makes sure that an instance's state change is written once. It keeps the
 * last state of instances in memory, and for an instance it may have forgotten it asks the table.
 * Changes are acknowledged once they are in the intake log, and every read here first loads the
 * log into alert_events, so readers see every acknowledged change. A shared store also catches up
 * with the other replicas' changes of the instances it is about to record (options.shared).
 */
export class IntakeAlertStore implements AlertStore {
  private readonly last = new Map<string, LastState>();
  private warmed = false;
  /**
   * Every recorded instance that started at or after this is in the cache; an older one may have
   * been left out (by warm or trim) and is looked up in the table before anything is written for it.
   */
  private certainSince = Infinity;

  private readonly cacheLimit: number;
  private readonly shared: boolean;
  private readonly recentReads = new RecentHistoryReads();
  /** overlapping()'s reads asked for in the current synchronous turn, by tenant and range. */
  private readonly overlappingThisTurn = new Map<string, Promise<AlertInstanceColumns>>();

  constructor(
    private readonly table: AlertEventsTable,
    private readonly intake: AlertIntake,
    private readonly now: () => number,
    options: IntakeAlertStoreOptions = {},
  ) {
    this.cacheLimit = options.cacheLimit ?? CACHE_LIMIT;
    this.shared = options.shared ?? false;
  }

  /**
   * Records the observations durably (in the intake log) and returns how many were state changes.
   * A change is a new instance or a different state; a firing instance never returns from resolved
   * (a late re-delivery of its firing state is ignored, since Alertmanager gives a re-fired alert a
   * new startsAt). Calls must not overlap (the recorder serialises them): the cache of last states
   * assumes it.
   */
  async record(observations: readonly AlertObservation[]): Promise<number> {
    // Re-deliveries of what is known already need no write at all (unless another replica may have changed it).
    if (this.warmed && !this.shared && observations.every((o) => this.isKnownNoChange(o))) return 0;
    await this.warm();
    this.trim();
    await this.recall(observations);
    if (this.shared) await this.catchUp(observations);
    /** Cache entries before this batch changed them, to restore if the append fails. */
    const before = new Map<string, LastState | undefined>();
    const observedAt = this.now();
    const rows: AlertEventRow[] = [];
    for (const o of observations) {
      const key = keyOf(o.tenant, o.fingerprint, o.startsAtMs);
      const previous = this.last.get(key);
      if (previous && (previous.state === o.state || previous.state === 'resolved')) continue;
      const seq = previous ? previous.seq + 1 : 0;
      if (!before.has(key)) before.set(key, previous);
      this.last.set(key, { state: o.state, seq, startsAtMs: o.startsAtMs, observedAtMs: observedAt });
      rows.push(eventRow(o, seq, observedAt));
    }
    if (rows.length === 0) return 0;
    try {
      await this.intake.append(rows);
    } catch (error) {
      // Nothing was acknowledged: put the cache back as it was.
      for (const [key, value] of before) {
        if (value) this.last.set(key, value);
        else this.last.delete(key);
      }
      throw error;
    }
    // A read asked for before these changes were acknowledged is not shared with calls after.
    this.overlappingThisTurn.clear();
    return rows.length;
  }

  /** Resolves once every change recorded so far is in alert_events, for reads of the table itself. */
  loaded(): Promise<void> {
    return this.intake.load();
  }

  /** Bytes of acknowledged changes waiting in the intake log. */
  get unloadedBytes(): number {
    return this.intake.unloadedBytes;
  }

  /** Lines of the intake log set aside since start, because they held no loadable state change. */
  get rejectedLines(): number {
    return this.intake.rejectedLines;
  }

  /** Loads what the intake log holds into alert_events and closes the log. */
  close(): Promise<void> {
    return this.intake.close();
  }

  /** Instances whose last state the store remembers (bounded by the cache limit). */
  get cachedInstances(): number {
    return this.last.size;
  }

  private isKnownNoChange(o: AlertObservation): boolean {
    const previous = this.last.get(keyOf(o.tenant, o.fingerprint, o.startsAtMs));
    return previous !== undefined && (previous.state === o.state || previous.state === 'resolved');
  }

  /**
   * Loads, once, the last state of every open instance and of every instance that started in the last
   * week (or later: a startsAt in the future is bad data, not a reason to write twice). Older resolved
   * instances are left out, which is what certainSince says.
   */
  private async warm(): Promise<void> {
    if (this.warmed) return;
    const certainSince = this.now() - RECENT_MS;
    await this.loaded();
    const rows = await this.table.lastStates(certainSince);
    // Tens of thousands of instances on the first webhook after a start (in the soak, 79 ms of CPU in one go under the profiler).
    await forEachInTurns(rows.length, (i) => this.remember(rows[i]!));
    this.certainSince = certainSince;
    this.warmed = true;
  }

  /** Loads into the cache the instances of `observations` that the cache may have forgotten. */
  private async recall(observations: readonly AlertObservation[]): Promise<void> {
    const unsure = new Map<string, AlertObservation>();
    for (const o of observations) {
      const key = keyOf(o.tenant, o.fingerprint, o.startsAtMs);
      if (o.startsAtMs < this.certainSince && !this.last.has(key)) unsure.set(key, o);
    }
    const keys = [...unsure.values()];
    if (keys.length) await this.loaded();
    for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) {
      for (const r of await this.table.lastStatesOf(keys.slice(i, i + LOOKUP_CHUNK))) this.remember(r);
    }
  }

  private remember(r: InstanceState): void {
    this.last.set(keyOf(r.tenant, r.fingerprint, r.startsAtMs), { state: r.state, seq: r.seq, startsAtMs: r.startsAtMs, observedAtMs: r.observedAtMs });
  }

  /**
   * Shared history: takes the table's last state of each instance of `observations` that is not known
   * resolved, where it was observed after the one in the cache (another replica recorded a change;
   * this replica's own changes not loaded yet are newer in the cache). Best effort, within
   * CATCH_UP_BUDGET_MS: if the warehouse does not answer in time the batch is decided from the cache,
   * and the reads' fold still keeps every change either replica recorded.
   */
  private async catchUp(observations: readonly AlertObservation[]): Promise<void> {
    const wanted = new Map<string, AlertObservation>();
    for (const o of observations) {
      const key = keyOf(o.tenant, o.fingerprint, o.startsAtMs);
      if (this.last.get(key)?.state !== 'resolved') wanted.set(key, o);
    }
    const keys = [...wanted.values()];
    if (keys.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const lookups = (async () => {
      const found: InstanceState[] = [];
      for (let i = 0; i < keys.length; i += LOOKUP_CHUNK) found.push(...(await this.table.lastStatesOf(keys.slice(i, i + LOOKUP_CHUNK))));
      return found;
    })();
    const budget = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CATCH_UP_BUDGET_MS)));
    const found = await Promise.race([lookups, budget]).catch(() => undefined);
    clearTimeout(timer);
    lookups.catch(() => undefined);
    for (const r of found ?? []) {
      const cached = this.last.get(keyOf(r.tenant, r.fingerprint, r.startsAtMs));
      if (!cached || r.observedAtMs > cached.observedAtMs) this.remember(r);
    }
  }

  /**
   * When the cache grows too large, forgets the resolved instances that started earliest and moves
   * certainSince up to the first start it kept, so that any it forgot is looked up again if it comes back.
   */
  private trim(): void {
    if (this.last.size <= this.cacheLimit) return;
    const resolvedStarts: number[] = [];
    for (const value of this.last.values()) if (value.state === 'resolved') resolvedStarts.push(value.startsAtMs);
    resolvedStarts.sort((a, b) => a - b);
    const excess = this.last.size - Math.floor(this.cacheLimit / 2);
    // Instances that started at the cut are all kept, so certainSince stays true.
    const cut = resolvedStarts[Math.min(excess, resolvedStarts.length - 1)];
    if (cut === undefined) return;
    for (const [key, value] of this.last) if (value.state === 'resolved' && value.startsAtMs < cut) this.last.delete(key);
    this.certainSince = Math.max(this.certainSince, cut);
  }

  /** Instances of a tenant that started in [fromMs, toMs), for analytics. */
  async instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    await this.loaded();
    return this.table.instances(tenant, fromMs, toMs);
  }

  /**
   * Instances of a tenant firing at some time in [fromMs, toMs). Calls with the same arguments in one
   * synchronous turn share one read and its columns (which their users only read), unless a record()
   * acknowledged changes in between: the recommend job's two analyses of a range read its 100,000
   * instances once.
   */
  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    const key = JSON.stringify([tenant, fromMs, toMs]);
    const started = this.overlappingThisTurn.get(key);
    if (started) return started;
    if (this.overlappingThisTurn.size === 0) queueMicrotask(() => this.overlappingThisTurn.clear());
    const read = this.loaded().then(() => this.table.overlapping(tenant, fromMs, toMs));
    this.overlappingThisTurn.set(key, read);
    return read;
  }

  /** Rules of a tenant's instances that started in [fromMs, toMs), and whether any had a runbook. */
  async rules(tenant: string, fromMs: number, toMs: number): Promise<AlertRuleSeen[]> {
    await this.loaded();
    return this.table.rules(tenant, fromMs, toMs);
  }

  /** Tenants with any alert history. */
  async tenants(): Promise<string[]> {
    await this.loaded();
    return this.table.tenants();
  }

  /** Instances whose last state is not resolved: what reconciliation compares with Alertmanager. */
  async open(tenant: string): Promise<OpenInstance[]> {
    await this.loaded();
    return this.table.open(tenant);
  }

  /**
   * State changes of a tenant's alerts, newest first. Where the table can say which segments a read
   * holds, what it holds plus the acknowledged rows kept in memory for the rest, with no wait for a
   * load: a load waits for DuckDB's checkpoints and for the jobs' use of its threads (the alert
   * history's p99 in the soak, bench/results/soak.md). Until the next load, the same read is answered
   * again from the last one (recent-history-reads.ts). Otherwise after a load.
   */
  async history(tenant: string, filter: HistoryFilter): Promise<HistoryRow[]> {
    const withIntake = this.table.historyWithIntake?.bind(this.table);
    if (withIntake) {
      // Not awaited when there is none: the read started below is then the one that calls in the same turn share.
      const latest = this.recentReads.latest(tenant, filter);
      const recent = latest && (await latest);
      const since = recent && this.intake.unloadedAfter(recent.loadedThrough);
      if (recent && since) return mergedHistory(recent.rows, selected(since, tenant, filter), filter.limit);
      const around = this.intake.readAround(() => withIntake(tenant, filter));
      this.recentReads.keep(tenant, filter, around.then((a) => a.read));
      const { read, unloaded } = await around;
      if (unloaded) return mergedHistory(read.rows, selected(unloaded, tenant, filter), filter.limit);
    }
    await this.loaded();
    return this.table.history(tenant, filter);
  }
}

/** The intake rows the history filter asks for, as history rows. */
function selected(rows: readonly AlertEventRow[], tenant: string, filter: HistoryFilter): HistoryRow[] {
  return rows.filter((row) => inHistory(row, tenant, filter)).map(historyRowOfEvent);
}

/** Whether an intake row is one the history filter asks for (as the table's SQL selects). */
function inHistory(row: AlertEventRow, tenant: string, filter: HistoryFilter): boolean {
  return (
    row.tenant === tenant &&
    (filter.alertname === undefined || row.alertname === filter.alertname) &&
    (filter.fingerprint === undefined || row.fingerprint === filter.fingerprint) &&
    (filter.fromMs === undefined || row.starts_at_ms >= filter.fromMs) &&
    (filter.toMs === undefined || row.starts_at_ms < filter.toMs)
  );
}

function historyRowOfEvent(row: AlertEventRow): HistoryRow {
  return {
    fingerprint: row.fingerprint,
    startsAtMs: row.starts_at_ms,
    seq: row.seq,
    state: row.state as AlertState,
    endsAtMs: row.ends_at_ms,
    observedAtMs: row.observed_at_ms,
    source: row.source as HistoryRow['source'],
    alertname: row.alertname,
    service: row.service,
    severity: row.severity,
    labels: row.labels,
    annotations: row.annotations,
    suppressedBy: row.suppressed_by,
  };
}

/** The history's order: newest observation first, then latest start, fingerprint, latest change. */
function historyOrder(a: HistoryRow, b: HistoryRow): number {
  return b.observedAtMs - a.observedAtMs || b.startsAtMs - a.startsAtMs || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) || b.seq - a.seq;
}

/** The first `limit` rows of two disjoint histories: the table's first `limit`, and the unloaded rows, unsorted. */
function mergedHistory(table: HistoryRow[], unloaded: HistoryRow[], limit: number): HistoryRow[] {
  if (unloaded.length === 0) return table;
  return [...table, ...unloaded].sort(historyOrder).slice(0, limit);
}

function keyOf(tenant: string, fingerprint: string, startsAtMs: number): string {
  return `${tenant}\u0000${fingerprint}\u0000${startsAtMs}`;
}

function eventRow(o: AlertObservation, seq: number, observedAt: number): AlertEventRow {
  return {
    tenant: o.tenant,
    fingerprint: o.fingerprint,
    starts_at_ms: o.startsAtMs,
    seq,
    state: o.state,
    ends_at_ms: o.state === 'resolved' ? o.endsAtMs : null,
    observed_at_ms: observedAt,
    source: o.source,
    alertname: o.labels.alertname ?? '',
    service: o.labels.service ?? o.labels.job ?? '',
    severity: o.labels.severity ?? '',
    labels: o.labels,
    annotations: o.annotations,
    generator_url: o.generatorUrl,
    receiver: o.receiver,
    suppressed_by: o.suppressedBy,
  };
}
