// The alert jobs from the `alerts` config section (alert datasets, reconciliation with Alertmanager,
// demo alerts), and the one recorder of a store that they share with the webhook
// (http/routes/alerts-router.ts): AlertStore.record calls must not overlap, which the single
// recorder guarantees.
import type { Registry } from 'prom-client';
import type { AlertsSection } from '../config/sections/alerts.js';
import { ALERT_DATASET_STEP_MS, createAlertDatasetsJob } from '../jobs/alert-datasets.js';
import { createAlertReconcileJob } from '../jobs/alert-reconcile.js';
import type { Job } from '../jobs/job.js';
import type { Logger } from '../log.js';
import { createAlertmanagerSource } from '../sources/alertmanager-source.js';
import type { AlertObservation, AlertStore } from '../warehouse/alert-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createDemoAlertsJob } from './demo-alerts.js';
import type { GroupCommit } from './group-commit.js';
import { createAlertRecorder } from './recorder.js';

const recorders = new WeakMap<AlertStore, GroupCommit<AlertObservation>>();

/** The one recorder of a store (created on first use, with its metrics). */
export function recorderOf(store: AlertStore, registry: Registry): GroupCommit<AlertObservation> {
  let recorder = recorders.get(store);
  if (!recorder) {
    recorder = createAlertRecorder({ store, registry });
    recorders.set(store, recorder);
  }
  return recorder;
}

export interface AlertsDeps {
  config: AlertsSection;
  /** The warehouse's alert history (DuckDbWarehouse.alerts). */
  store: AlertStore;
  registry: Registry;
  log: Logger;
  now: () => number;
}

export interface AlertJobsDeps extends AlertsDeps {
  warehouse: Warehouse;
  /** The tenants the service serves (of its datasets and tokens): each gets the alert datasets. */
  tenants: readonly string[];
  /** When the service runs the demo source: record the demo scenario's alerts for this tenant. */
  demo?: { seed: number; tenant: string };
}

export function alertJobs(deps: AlertJobsDeps): Job[] {
  const { store } = deps;
  const recorder = recorderOf(store, deps.registry);
  const jobs: Job[] = [
    createAlertDatasetsJob({ store, tenants: deps.tenants, warehouse: deps.warehouse, log: deps.log, now: deps.now, intervalMs: 60_000, stepMs: ALERT_DATASET_STEP_MS, windowMs: 2 * 3_600_000 }),
  ];
  const am = deps.config.alertmanager;
  if (am) {
    jobs.push(
      createAlertReconcileJob({
        store,
        recorder,
        source: createAlertmanagerSource({ url: am.url, timeoutMs: am.timeoutMs }),
        tenant: am.tenant,
        registry: deps.registry,
        log: deps.log.child({ job: 'alert-reconcile' }),
        now: deps.now,
        intervalMs: am.intervalMs,
      }),
    );
  }
  if (deps.demo) {
    jobs.push(createDemoAlertsJob({ recorder, tenant: deps.demo.tenant, seed: deps.demo.seed, now: deps.now, lookbackMs: 14 * 86_400_000, intervalMs: 60_000 }));
  }
  return jobs;
}
