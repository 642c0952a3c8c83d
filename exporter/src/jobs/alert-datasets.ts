// Writes the alert history as the datasets `alerts_firing` and `alerts_started` (per alertname,
// service, severity, one point a step), so BI queries, rollups and exports see alerts like metrics.
// Each run rewrites the recent window, which also picks up late resolutions; replaceWindow makes it
// idempotent. Every tenant the service serves gets them, empty without alerts, so their watermark
// says how far the alert history has been written for each.
import { ALERT_DATASET_LABELS, ALERT_DATASETS, alertSeries } from '@sextant/core/alerts';
import type { Logger } from '../log.js';
import type { DatasetDefinition } from '../sources/metrics-source.js';
import type { AlertStore } from '../warehouse/alert-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';

/** The step of the alert datasets: one point a minute. */
export const ALERT_DATASET_STEP_MS = 60_000;

/** The alert datasets of a tenant as dataset definitions; `query` says what each counts. */
export function alertDatasetDefinitions(tenant: string): DatasetDefinition[] {
  const definition = (name: string, query: string): DatasetDefinition => ({ name, tenant, query, keepLabels: [...ALERT_DATASET_LABELS], stepMs: ALERT_DATASET_STEP_MS });
  return [
    definition(ALERT_DATASETS.firing, 'alert history: alerts firing at each step'),
    definition(ALERT_DATASETS.started, 'alert history: alerts that started in each step'),
  ];
}

export interface AlertDatasetsDeps {
  store: AlertStore;
  /** The tenants the service serves: each gets the alert datasets, with alerts or without. */
  tenants: readonly string[];
  warehouse: Warehouse;
  log: Logger;
  now: () => number;
  intervalMs: number;
  stepMs: number;
  /** How far back each run rewrites. */
  windowMs: number;
}

export function createAlertDatasetsJob(deps: AlertDatasetsDeps): Job {
  return {
    name: 'alert-datasets',
    intervalMs: deps.intervalMs,
    async run(signal) {
      const now = deps.now();
      const end = Math.floor(now / deps.stepMs) * deps.stepMs;
      const window = { start: end - deps.windowMs, end };
      for (const tenant of new Set([...deps.tenants, ...(await deps.store.tenants())])) {
        if (signal.aborted) return;
        const series = alertSeries(await deps.store.overlapping(tenant, window.start, window.end), window, deps.stepMs, now);
        await deps.warehouse.replaceWindow(tenant, ALERT_DATASETS.firing, window, series.firing);
        await deps.warehouse.replaceWindow(tenant, ALERT_DATASETS.started, window, series.started);
      }
    },
  };
}
