// Alert history in the warehouse: every state change of every alert instance (fingerprint +
// startsAt), recorded once however often Alertmanager re-delivers it.
import type { AlertInstance } from '@sextant/core/alerts';
import type { DuckDbHandle, Row, SqlParam, WriteContext } from './duckdb-handle.js';

export const ALERT_STATES = ['firing', 'silenced', 'inhibited', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type AlertSource = 'webhook' | 'reconcile' | 'demo';

/** What Sextant learned about one alert at one moment. */
export interface AlertObservation {
  tenant: string;
  fingerprint: string;
  startsAtMs: number;
  state: AlertState;
  /** endsAt when resolved; null otherwise. */
  endsAtMs: number | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string;
  receiver: string;
  /** Silence ids (silenced) or fingerprints of the inhibiting alerts (inhibited). */
  suppressedBy: string[];
  source: AlertSource;
}

interface LastState {
  state: AlertState;
  seq: number;
}

const STAGING = 'alert_events_staging';
/** Instances remembered beyond which resolved ones are forgotten. */
const CACHE_LIMIT = 200_000;
/** Resolved instances remembered at start: re-deliveries come within minutes, never a week later. */
const RECENT_MS = 7 * 86_400_000;

export interface HistoryRow {
  fingerprint: string;
  startsAtMs: number;
  seq: number;
  state: AlertState;
  endsAtMs: number | null;
  observedAtMs: number;
  source: AlertSource;
  alertname: string;
  service: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  suppressedBy: string[];
}

export class AlertStore {
  private readonly last = new Map<string, LastState>();
  private warmed = false;
  /** Instances starting before this may have been left out of the cache by warm(). */
  private certainSince = Infinity;
  /** Set once trim() has forgotten resolved instances: from then on any unknown one may be forgotten. */
  private trimmed = false;

  constructor(
    private readonly handle: DuckDbHandle,
    private readonly now: () => number,
  ) {}

  /**
   * Records the observations in one transaction and returns how many were state changes. A change is
   * a new instance or a different state; a firing instance never returns from resolved (a late
   * re-delivery of its firing state is ignored, since Alertmanager gives a re-fired alert a new startsAt).
   * Calls must not overlap (the recorder serialises them): the cache of last states assumes it.
   */
  record(observations: readonly AlertObservation[]): Promise<number> {
    // Re-deliveries of what is known already need no transaction at all.
    if (this.warmed && observations.every((o) => this.isKnownNoChange(o))) return Promise.resolve(0);
    /** Cache entries before this batch changed them, to restore if the transaction fails. */
    const before = new Map<string, LastState | undefined>();
    return this.handle
      .write(async (tx) => {
        this.trim();
        await this.warm(tx);
        const observedAt = this.now();
        const rows: SqlParam[][] = [];
        let uncertain = false;
        for (const o of observations) {
          const key = keyOf(o.tenant, o.fingerprint, o.startsAtMs);
          const previous = this.last.get(key);
          if (previous && (previous.state === o.state || previous.state === 'resolved')) continue;
          if (!previous && (this.trimmed || o.startsAtMs < this.certainSince)) uncertain = true;
          const seq = previous ? previous.seq + 1 : 0;
          if (!before.has(key)) before.set(key, previous);
          this.last.set(key, { state: o.state, seq });
          rows.push(eventRow(o, seq, observedAt));
        }
        await insertEvents(tx, rows, uncertain);
        return rows.length;
      })
      .catch((error: unknown) => {
        // The transaction rolled back: put the cache back as it was.
        for (const [key, value] of before) {
          if (value) this.last.set(key, value);
          else this.last.delete(key);
        }
        throw error;
      });
  }

  private isKnownNoChange(o: AlertObservation): boolean {
    const previous = this.last.get(keyOf(o.tenant, o.fingerprint, o.startsAtMs));
    return previous !== undefined && (previous.state === o.state || previous.state === 'resolved');
  }

  /**
   * Loads, once, the last state of every open instance and of those resolved in the last week. From
   * then on the cache is authoritative: an instance it does not know is new, or resolved long ago, in
   * which case the insert collides with its first row and is ignored, which is right for a re-delivery.
   */
  private async warm(tx: WriteContext): Promise<void> {
    if (this.warmed) return;
    const rows = await tx.read(
      `SELECT tenant, fingerprint, starts_at_ms, max(seq) AS seq, arg_max(state, seq) AS state
       FROM alert_events GROUP BY tenant, fingerprint, starts_at_ms
       HAVING arg_max(state, seq) <> 'resolved' OR max(observed_at_ms) >= $1`,
      [this.now() - RECENT_MS],
    );
    // A day of margin for the skew between Prometheus' startsAt and our clock.
    this.certainSince = this.now() - RECENT_MS + 86_400_000;
    await tx.run(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING} AS SELECT * FROM alert_events LIMIT 0`);
    for (const r of rows) {
      this.last.set(keyOf(String(r.tenant), String(r.fingerprint), Number(r.starts_at_ms)), { state: r.state as AlertState, seq: Number(r.seq) });
    }
    this.warmed = true;
  }

  /** Forgets resolved instances (safe, see warm) when the cache grows too large. */
  private trim(): void {
    if (this.last.size <= CACHE_LIMIT) return;
    for (const [key, value] of this.last) if (value.state === 'resolved') this.last.delete(key);
    this.trimmed = true;
  }

  /** Instances of a tenant that started in [fromMs, toMs), for analytics. */
  instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstance[]> {
    return this.instancesWhere('starts_at_ms >= $2 AND starts_at_ms < $3', [tenant, fromMs, toMs]);
  }

  /** Instances of a tenant firing at some time in [fromMs, toMs). */
  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstance[]> {
    return this.instancesWhere('starts_at_ms < $3 AND (ends_at_ms IS NULL OR ends_at_ms > $2)', [tenant, fromMs, toMs]);
  }

  /** Tenants with any alert history. */
  async tenants(): Promise<string[]> {
    return (await this.handle.read('SELECT DISTINCT tenant FROM alert_events ORDER BY tenant')).map((r) => String(r.tenant));
  }

  private async instancesWhere(condition: string, params: SqlParam[]): Promise<AlertInstance[]> {
    const rows = await this.handle.read(
      `SELECT * FROM alert_instances WHERE tenant = $1 AND ${condition} ORDER BY starts_at_ms, fingerprint`,
      params,
    );
    return rows.map((r) => ({
      fingerprint: String(r.fingerprint),
      alertname: String(r.alertname),
      service: String(r.service),
      severity: String(r.severity),
      startsAtMs: Number(r.starts_at_ms),
      endsAtMs: r.ends_at_ms === null ? null : Number(r.ends_at_ms),
      silenced: Boolean(r.was_silenced),
      inhibited: Boolean(r.was_inhibited),
      hasRunbook: Boolean(r.has_runbook),
    }));
  }

  /** Instances whose last state is not resolved: what reconciliation compares with Alertmanager. */
  async open(
    tenant: string,
  ): Promise<{ fingerprint: string; startsAtMs: number; state: AlertState; labels: Record<string, string>; observedAtMs: number }[]> {
    const rows = await this.handle.read(
      `SELECT fingerprint, starts_at_ms, arg_max(state, seq) AS state, arg_max(labels, seq) AS labels, max(observed_at_ms) AS observed_at_ms
       FROM alert_events WHERE tenant = $1 GROUP BY fingerprint, starts_at_ms HAVING arg_max(state, seq) <> 'resolved'`,
      [tenant],
    );
    return rows.map((r) => ({
      fingerprint: String(r.fingerprint),
      startsAtMs: Number(r.starts_at_ms),
      state: r.state as AlertState,
      labels: JSON.parse(String(r.labels)) as Record<string, string>,
      observedAtMs: Number(r.observed_at_ms),
    }));
  }

  /** State changes of a tenant's alerts, newest first. */
  async history(tenant: string, filter: { alertname?: string; fingerprint?: string; fromMs?: number; toMs?: number; limit: number }): Promise<HistoryRow[]> {
    const where = ['tenant = $1'];
    const params: (string | number)[] = [tenant];
    const add = (sql: string, value: string | number) => {
      params.push(value);
      where.push(`${sql} $${params.length}`);
    };
    if (filter.alertname !== undefined) add('alertname =', filter.alertname);
    if (filter.fingerprint !== undefined) add('fingerprint =', filter.fingerprint);
    if (filter.fromMs !== undefined) add('starts_at_ms >=', filter.fromMs);
    if (filter.toMs !== undefined) add('starts_at_ms <', filter.toMs);
    params.push(filter.limit);
    const rows = await this.handle.read(
      `SELECT * FROM alert_events WHERE ${where.join(' AND ')} ORDER BY observed_at_ms DESC, starts_at_ms DESC, fingerprint, seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(historyRow);
  }
}

function keyOf(tenant: string, fingerprint: string, startsAtMs: number): string {
  return `${tenant}\u0000${fingerprint}\u0000${startsAtMs}`;
}

function eventRow(o: AlertObservation, seq: number, observedAt: number): SqlParam[] {
  return [
    o.tenant,
    o.fingerprint,
    o.startsAtMs,
    seq,
    o.state,
    o.state === 'resolved' ? o.endsAtMs : null,
    observedAt,
    o.source,
    o.labels.alertname ?? '',
    o.labels.service ?? o.labels.job ?? '',
    o.labels.severity ?? '',
    JSON.stringify(o.labels),
    JSON.stringify(o.annotations),
    o.generatorUrl,
    o.receiver,
    JSON.stringify(o.suppressedBy),
  ];
}

/**
 * Appends to a per-connection staging table (the Appender is the cheap way in), then moves the rows
 * over. When a row may belong to an instance the cache has forgotten (see warm), INSERT OR IGNORE
 * lets the primary key drop the re-delivery; otherwise a plain INSERT, several times faster.
 */
async function insertEvents(tx: WriteContext, rows: SqlParam[][], uncertain: boolean): Promise<void> {
  if (rows.length === 0) return;
  await tx.append(STAGING, rows[0]!.map((_, c) => rows.map((r) => r[c])));
  await tx.run(`INSERT ${uncertain ? 'OR IGNORE ' : ''}INTO alert_events SELECT * FROM ${STAGING}`);
  await tx.run(`DELETE FROM ${STAGING}`);
}

function historyRow(r: Row): HistoryRow {
  return {
    fingerprint: String(r.fingerprint),
    startsAtMs: Number(r.starts_at_ms),
    seq: Number(r.seq),
    state: r.state as AlertState,
    endsAtMs: r.ends_at_ms === null ? null : Number(r.ends_at_ms),
    observedAtMs: Number(r.observed_at_ms),
    source: r.source as AlertSource,
    alertname: String(r.alertname),
    service: String(r.service),
    severity: String(r.severity),
    labels: JSON.parse(String(r.labels)) as Record<string, string>,
    annotations: JSON.parse(String(r.annotations)) as Record<string, string>,
    suppressedBy: JSON.parse(String(r.suppressed_by)) as string[],
  };
}
