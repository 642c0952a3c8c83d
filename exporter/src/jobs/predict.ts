// Inference on every tick (run it at the ingest interval): the newest model per horizon scores every
// entity on the latest window; the result goes to /metrics as sextant_failure_probability and to the
// warehouse, each with its top contributing features. The entity histories are built and scored in
// the service's worker pool, so the event loop keeps serving meanwhile.
import type { Prediction } from '@sextant/core/predict';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { PredictionStore } from '../warehouse/prediction-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';
import { loadPredictColumns, type AlertHistory } from './predict-inputs.js';
import { coreWorkers } from '../worker-pool.js';

export interface PredictJobDeps {
  warehouse: Warehouse;
  store: PredictionStore;
  alerts: AlertHistory;
  registry: Registry;
  log: Logger;
  now: () => number;
  intervalMs: number;
  tenants: string[];
}

export interface PredictJob extends Job {
  predictAll(): Promise<Prediction[]>;
}

/** History read per tick: the feature window plus room for the longest time-since-alert lookups. */
const INPUT_RANGE_MS = 7 * 86_400_000;

export function horizonLabel(horizonMs: number): string {
  return horizonMs % 3_600_000 === 0 ? `${horizonMs / 3_600_000}h` : `${Math.round(horizonMs / 60_000)}m`;
}

export function createPredictJob(deps: PredictJobDeps): PredictJob {
  const probability = new Gauge({
    name: 'sextant_failure_probability',
    help: 'Probability that a critical alert for the entity starts within the horizon, from the latest model.',
    labelNames: ['tenant', 'entity', 'horizon'],
    registers: [deps.registry],
  });

  async function predictAll(): Promise<Prediction[]> {
    const all: Prediction[] = [];
    for (const tenant of deps.tenants) {
      const models = await deps.store.latestModels(tenant);
      if (models.length === 0) continue;
      const now = deps.now();
      const inputs = await loadPredictColumns(deps.warehouse, deps.alerts, tenant, { start: now - INPUT_RANGE_MS, end: now });
      const predictions = await coreWorkers.run<Prediction[]>(
        { module: '@sextant/core/predict', name: 'predictNowOnColumns' },
        [models, inputs.columns, inputs.alerts, now],
        undefined,
        inputs.transfer,
      );
      await deps.store.savePredictions(tenant, predictions);
      for (const p of predictions) probability.set({ tenant, entity: p.entity, horizon: horizonLabel(p.horizonMs) }, p.probability);
      deps.log.debug('predictions', { tenant, count: predictions.length, highest: Math.max(...predictions.map((p) => p.probability)) });
      all.push(...predictions);
    }
    return all;
  }

  return {
    name: 'predict',
    intervalMs: deps.intervalMs,
    predictAll,
    async run() {
      await predictAll();
    },
  };
}
