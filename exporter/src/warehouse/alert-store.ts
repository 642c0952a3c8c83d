// Alert history in the warehouse: every state change of every alert instance (fingerprint +
// startsAt), recorded once however often Alertmanager re-delivers it. What the webhook, the alert
// jobs, the analysis and the reports need; intake-alert-store.ts implements it on every engine.
import type { AlertInstanceColumns } from '@sextant/core/alerts';

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

/** An alert rule as the history knows it. */
export interface AlertRuleSeen {
  alertname: string;
  hasRunbook: boolean;
}

export interface AlertStore {
  /**
   * Records the observations durably and returns how many were state changes (a new instance or a
   * different state; a resolved instance never fires again). Once it resolves, the changes are
   * acknowledged: they survive a crash. Calls must not overlap (the alert recorder serialises them).
   */
  record(observations: readonly AlertObservation[]): Promise<number>;
  /** Resolves once every change recorded so far is readable by the warehouse's other queries (reports). */
  loaded(): Promise<void>;
  /** Bytes of acknowledged changes not yet readable by those queries. */
  readonly unloadedBytes: number;
  /** Lines of the intake log set aside since start, because they held no loadable state change. */
  readonly rejectedLines: number;
  /** Instances whose last state the store remembers (bounded). */
  readonly cachedInstances: number;
  /** Instances of a tenant that started in [fromMs, toMs), for analytics. */
  instances(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns>;
  /** Instances of a tenant firing at some time in [fromMs, toMs). */
  overlapping(tenant: string, fromMs: number, toMs: number): Promise<AlertInstanceColumns>;
  /**
   * The rules of a tenant's instances that started in [fromMs, toMs), each once, and whether any of
   * those instances carried a runbook annotation: what instances() answers, aggregated in the warehouse.
   */
  rules(tenant: string, fromMs: number, toMs: number): Promise<AlertRuleSeen[]>;
  /** Tenants with any alert history. */
  tenants(): Promise<string[]>;
  /** Instances whose last state is not resolved: what reconciliation compares with Alertmanager. */
  open(tenant: string): Promise<{ fingerprint: string; startsAtMs: number; state: AlertState; labels: Record<string, string>; observedAtMs: number }[]>;
  /** State changes of a tenant's alerts, newest first. */
  history(tenant: string, filter: { alertname?: string; fingerprint?: string; fromMs?: number; toMs?: number; limit: number }): Promise<HistoryRow[]>;
  close(): Promise<void>;
}
