// Reconciliation: polls Alertmanager so that silenced and inhibited alerts, and alerts whose webhook
// was lost, still reach the history; alerts the history has open but Alertmanager no longer holds
// are recorded as resolved (at the time of the poll, so at most one interval late).
import { Counter, type Registry } from 'prom-client';
import type { GroupCommit } from '../alerts/group-commit.js';
import type { Logger } from '../log.js';
import type { AlertmanagerAlert, AlertSource } from '../sources/alertmanager-source.js';
import type { AlertObservation, AlertStore } from '../warehouse/alert-store.js';
import type { Job } from './job.js';

export interface AlertReconcileDeps {
  store: AlertStore;
  recorder: GroupCommit<AlertObservation>;
  source: AlertSource;
  /** Tenant the Alertmanager's alerts belong to. */
  tenant: string;
  registry: Registry;
  log: Logger;
  now: () => number;
  intervalMs: number;
}

export function observationOf(alert: AlertmanagerAlert, tenant: string): AlertObservation {
  const silencedBy = alert.status.silencedBy ?? [];
  const inhibitedBy = alert.status.inhibitedBy ?? [];
  const state = silencedBy.length ? 'silenced' : inhibitedBy.length ? 'inhibited' : 'firing';
  return {
    tenant,
    fingerprint: alert.fingerprint,
    startsAtMs: Date.parse(alert.startsAt),
    state,
    endsAtMs: null,
    labels: alert.labels,
    annotations: alert.annotations,
    generatorUrl: alert.generatorURL,
    receiver: alert.receivers.map((r) => r.name).join(','),
    suppressedBy: silencedBy.length ? silencedBy : inhibitedBy,
    source: 'reconcile',
  };
}

export function createAlertReconcileJob(deps: AlertReconcileDeps): Job {
  const runs = new Counter({
    name: 'sextant_alert_reconcile_runs_total',
    help: 'Reconciliation polls of Alertmanager by outcome (ok, failed).',
    labelNames: ['outcome'],
    registers: [deps.registry],
  });
  return {
    name: 'alert-reconcile',
    intervalMs: deps.intervalMs,
    async run(signal) {
      const polledAt = deps.now();
      let alerts: AlertmanagerAlert[];
      try {
        alerts = await deps.source.alerts(signal);
      } catch (error) {
        runs.inc({ outcome: 'failed' });
        deps.log.warn('alert reconciliation: Alertmanager unreachable, will retry', { error: (error as Error).message });
        return;
      }
      if (signal.aborted) return;
      const now = deps.now();
      const held = alerts.filter((a) => Number.isFinite(Date.parse(a.startsAt))).map((a) => observationOf(a, deps.tenant));
      const heldKeys = new Set(held.map((o) => `${o.fingerprint}@${o.startsAtMs}`));
      const gone: AlertObservation[] = (await deps.store.open(deps.tenant))
        // Recorded after the poll began: Alertmanager's answer may predate it, so it proves nothing.
        .filter((o) => o.observedAtMs < polledAt && !heldKeys.has(`${o.fingerprint}@${o.startsAtMs}`))
        .map((o) => ({
          tenant: deps.tenant,
          fingerprint: o.fingerprint,
          startsAtMs: o.startsAtMs,
          state: 'resolved',
          endsAtMs: now,
          labels: o.labels,
          annotations: {},
          generatorUrl: '',
          receiver: '',
          suppressedBy: [],
          source: 'reconcile',
        }));
      await deps.recorder.submit([...held, ...gone]);
      runs.inc({ outcome: 'ok' });
    },
  };
}
