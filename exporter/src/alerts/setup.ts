// Everything the service needs for alerts, built from the `alerts` config section: the /api/v1 router
// (webhook, history, analysis) and the jobs (reconciliation with Alertmanager, demo alerts).
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { AlertsSection } from '../config/sections/alerts.js';
import { alertsRoutes } from '../http/routes/alerts.js';
import { createAlertDatasetsJob } from '../jobs/alert-datasets.js';
import { createAlertReconcileJob } from '../jobs/alert-reconcile.js';
import type { Job } from '../jobs/job.js';
import type { Logger } from '../log.js';
import { createAlertmanagerSource } from '../sources/alertmanager-source.js';
import { AlertStore } from '../warehouse/alert-store.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { createDemoAlertsJob } from './demo-alerts.js';
import { createAlertRecorder } from './recorder.js';

export interface AlertingDeps {
  warehouse: DuckDbWarehouse;
  config: AlertsSection;
  registry: Registry;
  log: Logger;
  now: () => number;
  /** When the service runs the demo source: record the demo scenario's alerts for this tenant. */
  demo?: { seed: number; tenant: string };
}

export function createAlerting(deps: AlertingDeps): { router: Router; jobs: Job[] } {
  const store = new AlertStore(deps.warehouse.handle, deps.now);
  const recorder = createAlertRecorder({ store, registry: deps.registry });
  const router = alertsRoutes({
    store,
    commit: recorder,
    maxAlertsPerRequest: deps.config.webhook.maxAlertsPerRequest,
    analysis: deps.config.analysis,
    registry: deps.registry,
    log: deps.log,
    now: deps.now,
  });
  const jobs: Job[] = [
    createAlertDatasetsJob({ store, warehouse: deps.warehouse, log: deps.log, now: deps.now, intervalMs: 60_000, stepMs: 60_000, windowMs: 2 * 3_600_000 }),
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
  return { router, jobs };
}
