// Rows of alert_events and of its per-instance summary as the store's types: the same columns on
// every engine (labels, annotations and suppressed_by as JSON text).
import type { AlertInstance } from '@sextant/core/alerts';
import type { AlertRuleSeen, AlertSource, AlertState, HistoryRow } from './alert-store.js';
import type { InstanceState } from './intake-alert-store.js';

type Row = Record<string, unknown>;

const nullableNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function historyRowOf(r: Row): HistoryRow {
  return {
    fingerprint: String(r.fingerprint),
    startsAtMs: Number(r.starts_at_ms),
    seq: Number(r.seq),
    state: r.state as AlertState,
    endsAtMs: nullableNumber(r.ends_at_ms),
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

/** The columns of an instance row that alertInstanceOf reads. */
export const INSTANCE_COLUMNS = 'fingerprint, alertname, service, severity, starts_at_ms, ends_at_ms, was_silenced, was_inhibited, has_runbook';

/** A row of a rule's summary: its alertname and has_runbook. */
export function alertRuleSeenOf(r: Row): AlertRuleSeen {
  return { alertname: String(r.alertname), hasRunbook: Boolean(Number(r.has_runbook)) };
}

/** A row of the instance summary (DuckDB's alert_instances view). */
export function alertInstanceOf(r: Row): AlertInstance {
  return {
    fingerprint: String(r.fingerprint),
    alertname: String(r.alertname),
    service: String(r.service),
    severity: String(r.severity),
    startsAtMs: Number(r.starts_at_ms),
    endsAtMs: nullableNumber(r.ends_at_ms),
    silenced: Boolean(Number(r.was_silenced)),
    inhibited: Boolean(Number(r.was_inhibited)),
    hasRunbook: Boolean(Number(r.has_runbook)),
  };
}

export function instanceStateOf(r: Row): InstanceState {
  return {
    tenant: String(r.tenant),
    fingerprint: String(r.fingerprint),
    startsAtMs: Number(r.starts_at_ms),
    seq: Number(r.seq),
    state: r.state as AlertState,
    observedAtMs: Number(r.observed_at_ms),
  };
}
