// The alert history's reads on ClickHouse, over the state changes folded from every replica's rows
// (clickhouse-alert-changes.ts). alert_events is a ReplacingMergeTree on its rows' whole identity
// (instance, observed time, writer's seq, state), read with FINAL, so a segment of the intake log
// loaded twice shows once. The per-instance summary is DuckDB's alert_instances view written as a subquery.
import { AlertInstanceColumnsBuilder, type AlertInstanceColumns } from '@sextant/core/alerts';
import { alertInstanceOf, alertRuleSeenOf, historyRowOf, instanceStateOf } from '../alert-event-rows.js';
import type { AlertRuleSeen, AlertState, HistoryRow } from '../alert-store.js';
import type { AlertEventsTable, HistoryFilter, InstanceKey, InstanceState, OpenInstance } from '../intake-alert-store.js';
import { alertChangesSql } from './clickhouse-alert-changes.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlNumber, sqlString } from './sql-literal.js';
import { forEachInTurns } from '../../event-loop.js';

export class ClickHouseAlertEvents implements AlertEventsTable {
  constructor(private readonly db: ClickHouseConnection) {}

  /** The folded state changes of the instances that `where` selects. */
  private changes(where: string): string {
    return `(${alertChangesSql(this.db, where)})`;
  }

  /** Last seq and state per instance of the events matching `where`. */
  private lastStatesWhere(where: string, having = '1'): Promise<InstanceState[]> {
    return this.db
      .read(
        `SELECT tenant, fingerprint, starts_at_ms, last_seq AS seq, last_state AS state, last_observed AS observed_at_ms FROM (
           SELECT tenant, fingerprint, starts_at_ms, max(seq) AS last_seq, argMax(state, seq) AS last_state, argMax(observed_at_ms, seq) AS last_observed
           FROM ${this.changes(where)} GROUP BY tenant, fingerprint, starts_at_ms)
         WHERE ${having}`,
      )
      .then((rows) => rows.map(instanceStateOf));
  }

  lastStates(since: number): Promise<InstanceState[]> {
    return this.lastStatesWhere('1', `last_state != 'resolved' OR starts_at_ms >= ${sqlNumber(since)}`);
  }

  lastStatesOf(keys: readonly InstanceKey[]): Promise<InstanceState[]> {
    if (keys.length === 0) return Promise.resolve([]);
    const starts = keys.map((k) => k.startsAtMs);
    const tuples = keys.map((k) => `(${sqlString(k.tenant)}, ${sqlString(k.fingerprint)}, ${sqlNumber(k.startsAtMs)})`);
    return this.lastStatesWhere(
      `starts_at_ms >= ${sqlNumber(Math.min(...starts))} AND starts_at_ms <= ${sqlNumber(Math.max(...starts))}
       AND (tenant, fingerprint, starts_at_ms) IN (${tuples.join(', ')})`,
    );
  }

  /** DuckDB's alert_instances for one tenant, its columns prefixed i_ where the events' have the same name. */
  private instancesOf(tenant: string): string {
    return `(
      SELECT fingerprint, starts_at_ms, argMax(alertname, seq) AS i_alertname, argMax(service, seq) AS i_service,
             argMax(severity, seq) AS i_severity, maxIf(ends_at_ms, state = 'resolved') AS i_ends,
             max(state = 'silenced') AS i_silenced, max(state = 'inhibited') AS i_inhibited,
             max(position(annotations, '"runbook_url":') > 0 OR position(annotations, '"runbook":') > 0) AS i_runbook
      FROM ${this.changes(`tenant = ${sqlString(tenant)}`)} GROUP BY fingerprint, starts_at_ms)`;
  }

  /** The tenant's instances, filtered by `condition` on starts_at_ms and i_ends (its ends_at_ms). */
  private async instancesWhere(tenant: string, condition: string): Promise<AlertInstanceColumns> {
    const rows = await this.db.read(
      `SELECT fingerprint, starts_at_ms, i_alertname AS alertname, i_service AS service, i_severity AS severity, i_ends AS ends_at_ms,
              i_silenced AS was_silenced, i_inhibited AS was_inhibited, i_runbook AS has_runbook
       FROM ${this.instancesOf(tenant)}
       WHERE ${condition}
       ORDER BY starts_at_ms, fingerprint`,
    );
    const builder = new AlertInstanceColumnsBuilder();
    await forEachInTurns(rows.length, (i) => builder.add(alertInstanceOf(rows[i]!)));
    return builder.columns();
  }

  async rules(tenant: string, fromMs: number, toMs: number): Promise<AlertRuleSeen[]> {
    const rows = await this.db.read(
      `SELECT i_alertname AS alertname, max(i_runbook) AS has_runbook
       FROM ${this.instancesOf(tenant)}
       WHERE starts_at_ms >= ${sqlNumber(fromMs)} AND starts_at_ms < ${sqlNumber(toMs)}
       GROUP BY i_alertname ORDER BY i_alertname`,
    );
    return rows.map(alertRuleSeenOf);
  }

  instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    return this.instancesWhere(tenant, `starts_at_ms >= ${sqlNumber(fromMs)} AND starts_at_ms < ${sqlNumber(toMs)}`);
  }

  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns> {
    return this.instancesWhere(tenant, `starts_at_ms < ${sqlNumber(toMs)} AND (isNull(i_ends) OR i_ends > ${sqlNumber(fromMs)})`);
  }

  async tenants(): Promise<string[]> {
    return (await this.db.read(`SELECT DISTINCT tenant FROM ${this.db.table('alert_events')} ORDER BY tenant`)).map((r) => String(r.tenant));
  }

  async open(tenant: string): Promise<OpenInstance[]> {
    const rows = await this.db.read(
      `SELECT fingerprint, starts_at_ms, last_state AS state, last_labels AS labels, last_observed AS observed_at_ms FROM (
         SELECT fingerprint, starts_at_ms, argMax(state, seq) AS last_state, argMax(labels, seq) AS last_labels, max(observed_at_ms) AS last_observed
         FROM ${this.changes(`tenant = ${sqlString(tenant)}`)} GROUP BY fingerprint, starts_at_ms)
       WHERE last_state != 'resolved'`,
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
    const where = [`tenant = ${sqlString(tenant)}`];
    if (filter.alertname !== undefined) where.push(`alertname = ${sqlString(filter.alertname)}`);
    if (filter.fingerprint !== undefined) where.push(`fingerprint = ${sqlString(filter.fingerprint)}`);
    if (filter.fromMs !== undefined) where.push(`starts_at_ms >= ${sqlNumber(filter.fromMs)}`);
    if (filter.toMs !== undefined) where.push(`starts_at_ms < ${sqlNumber(filter.toMs)}`);
    const rows = await this.db.read(
      `SELECT * FROM ${this.changes(where.join(' AND '))}
       ORDER BY observed_at_ms DESC, starts_at_ms DESC, fingerprint, seq DESC LIMIT ${sqlNumber(Math.max(0, Math.floor(filter.limit)))}`,
    );
    return rows.map(historyRowOf);
  }
}
