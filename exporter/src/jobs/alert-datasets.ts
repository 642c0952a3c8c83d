// Writes the alert history as the datasets `alerts_firing` and `alerts_started` (per alertname,
// service, severity, one point a step), so BI queries, rollups and exports see alerts like metrics.
// Each run rewrites the recent window, which also picks up late resolutions; replaceWindow makes it
// idempotent.
import { ALERT_DATASETS, alertSeries } from '@sextant/core/alerts';
import type { Logger } from '../log.js';
import type { AlertStore } from '../warehouse/alert-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';

export interface AlertDatasetsDeps {
  store: AlertStore;
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
      for (const tenant of await deps.store.tenants()) {
        if (signal.aborted) return;
        const series = alertSeries(await deps.store.overlapping(tenant, window.start, window.end), window, deps.stepMs, now);
        await deps.warehouse.replaceWindow(tenant, ALERT_DATASETS.firing, window, series.firing);
        await deps.warehouse.replaceWindow(tenant, ALERT_DATASETS.started, window, series.started);
      }
    },
  };
}
