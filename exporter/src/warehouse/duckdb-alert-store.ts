// The alert history's reads on DuckDB: alert_events and its alert_instances view (migrations 200-202).
import { AlertInstanceColumnsBuilder, type AlertInstanceColumns } from '@sextant/core/alerts';
import { alertInstanceOf, alertRuleSeenOf, historyRowOf, INSTANCE_COLUMNS, instanceStateOf } from './alert-event-rows.js';
import type { AlertRuleSeen, AlertState, HistoryRow } from './alert-store.js';
import type { DuckDbHandle, ReadSession, SqlParam } from './duckdb-handle.js';
import { HistoryBounds } from './history-bounds.js';
import { LOADED_THROUGH_SQL } from './duckdb-intake-target.js';
import type { AlertEventsTable, HistoryFilter, InstanceKey, InstanceState, OpenInstance } from './intake-alert-store.js';

export class DuckDbAlertEvents implements AlertEventsTable {
  private readonly bounds = new HistoryBounds();

  constructor(private readonly handle: DuckDbHandle) {}

  async lastStates(since: number): Promise<InstanceState[]> {
    const rows = await this.handle.read(
      `SELECT tenant, fingerprint, starts_at_ms, max(seq) AS seq, arg_max(state, seq) AS state, arg_max(observed_at_ms, seq) AS observed_at_ms
       FROM alert_events GROUP BY tenant, fingerprint, starts_at_ms
       HAVING arg_max(state, seq) <> 'resolved' OR starts_at_ms >= $1`,
      [since],
    );
    return rows.map(instanceStateOf);
  }

  async lastStatesOf(keys: readonly InstanceKey[]): Promise<InstanceState[]> {
    if (keys.length === 0) return [];
    const params: SqlParam[] = [Math.min(...keys.map((k) => k.startsAtMs)), Math.max(...keys.map((k) => k.startsAtMs))];
    const tuples = keys.map((k) => {
      params.push(k.tenant, k.fingerprint, k.startsAtMs);
      const n = params.length;
      return `($${n - 2}, $${n - 1}, $${n})`;
    });
    // The range on starts_at_ms lets DuckDB skip the row groups that cannot match.
    const rows = await this.handle.read(
      `WITH wanted(tenant, fingerprint, starts_at_ms) AS (VALUES ${tuples.join(', ')})
       SELECT e.tenant, e.fingerprint, e.starts_at_ms, max(e.seq) AS seq, arg_max(e.state, e.seq) AS state, arg_max(e.observed_at_ms, e.seq) AS observed_at_ms
       FROM alert_events e JOIN wanted w ON e.tenant = w.tenant AND e.fingerprint = w.fingerprint AND e.starts_at_ms = w.starts_at_ms
       WHERE e.starts_at_ms BETWEEN $1 AND $2
       GROUP BY e.tenant, e.fingerprint, e.starts_at_ms`,
      params,
    );
    return rows.map(instanceStateOf);
  }

  instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    return this.instancesWhere('starts_at_ms >= $2 AND starts_at_ms < $3', [tenant, fromMs, toMs]);
  }

  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    return this.instancesWhere('starts_at_ms < $3 AND (ends_at_ms IS NULL OR ends_at_ms > $2)', [tenant, fromMs, toMs]);
  }

  async rules(tenant: string, fromMs: number, toMs: number): Promise<AlertRuleSeen[]> {
    const rows = await this.handle.read(
      `SELECT alertname, bool_or(has_runbook) AS has_runbook FROM alert_instances
       WHERE tenant = $1 AND starts_at_ms >= $2 AND starts_at_ms < $3 GROUP BY alertname ORDER BY alertname`,
      [tenant, fromMs, toMs],
    );
    return rows.map(alertRuleSeenOf);
  }

  async tenants(): Promise<string[]> {
    return (await this.handle.read('SELECT DISTINCT tenant FROM alert_events ORDER BY tenant')).map((r) => String(r.tenant));
  }

  /**
   * The columns alertInstanceOf reads, not the view's every column, streamed: each chunk of rows
   * goes into the instance columns, with a turn of the event loop between chunks and no object kept per row.
   */
  private async instancesWhere(condition: string, params: SqlParam[]): Promise<AlertInstanceColumns> {
    const builder = new AlertInstanceColumnsBuilder();
    await this.handle.readChunks(
      `SELECT ${INSTANCE_COLUMNS} FROM alert_instances WHERE tenant = $1 AND ${condition} ORDER BY starts_at_ms, fingerprint`,
      params,
      ([fingerprint, alertname, service, severity, startsAt, endsAt, silenced, inhibited, runbook]) => {
        for (let i = 0; i < fingerprint!.length; i++) {
          builder.add(
            alertInstanceOf({
              fingerprint: fingerprint![i],
              alertname: alertname![i],
              service: service![i],
              severity: severity![i],
              starts_at_ms: startsAt![i],
              ends_at_ms: endsAt![i],
              was_silenced: silenced![i],
              was_inhibited: inhibited![i],
              has_runbook: runbook![i],
            }),
          );
        }
      },
    );
    return builder.columns();
  }

  async open(tenant: string): Promise<OpenInstance[]> {
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

  async history(tenant: string, filter: HistoryFilter): Promise<HistoryRow[]> {
    return (await this.historyWithIntake(tenant, filter)).rows;
  }

  /** The history and the intake's loaded_through in one snapshot: what the table holds, and which segments it holds. */
  historyWithIntake(tenant: string, filter: HistoryFilter): Promise<{ rows: HistoryRow[]; loadedThrough: number }> {
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
    const newest = (session: ReadSession, bound: number | undefined) =>
      session.read(
        `SELECT * FROM alert_events WHERE ${where.join(' AND ')}${bound === undefined ? '' : ` AND observed_at_ms >= $${params.length + 2}`}
         ORDER BY observed_at_ms DESC, starts_at_ms DESC, fingerprint, seq DESC LIMIT $${params.length + 1}`,
        bound === undefined ? [...params, filter.limit] : [...params, filter.limit, bound],
      );
    return this.handle.readSession(async (session) => {
      const [intake] = await session.read(LOADED_THROUGH_SQL);
      const bound = this.bounds.of(tenant, filter);
      let rows = bound === undefined ? [] : await newest(session, bound);
      if (rows.length < filter.limit) rows = await newest(session, undefined);
      const history = rows.map(historyRowOf);
      this.bounds.learn(tenant, filter, history);
      return { rows: history, loadedThrough: Number(intake?.loaded_through ?? 0) };
    });
  }
}
