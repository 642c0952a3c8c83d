// The prediction and recommendation stages from the config: the training, inference and
// recommendation jobs, and what their API routes need. The alert history is Alertmanager's (the alert
// store) plus the reference rules replayed on the warehouse's data (see alert-inputs.ts).
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { toPolicies } from '../config/sections/policies.js';
import type { Logger } from '../log.js';
import { ActionRunner } from '../recommend/action-runner.js';
import type { DatasetDefinition } from '../sources/metrics-source.js';
import type { PredictionStore } from '../warehouse/prediction-store.js';
import type { RecommendationStore } from '../warehouse/recommendation-store.js';
import type { ServiceWarehouse } from '../warehouse/stores.js';
import type { Job } from './job.js';
import { createPredictJob } from './predict.js';
import { storedAlertAnalytics, storedAlertHistory } from './alert-inputs.js';
import { createRecommendJob } from './recommend.js';
import { createTrainJob } from './train.js';

export interface PredictSetupDeps {
  config: Config;
  warehouse: ServiceWarehouse;
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  log: Logger;
  now: () => number;
}

/** What the prediction and recommendation routes share with their jobs. */
export interface PredictApiDeps {
  predictions: PredictionStore;
  recommendations: RecommendationStore;
  runner: ActionRunner;
  now: () => number;
}

export function predictStagesFromConfig(deps: PredictSetupDeps): { jobs: Job[]; api: PredictApiDeps } {
  const { config, warehouse, registry, now } = deps;
  const tenants = [...new Set(deps.datasets.map((d) => d.tenant))];
  const { predictions, recommendations } = warehouse;
  const alertStore = warehouse.alerts;
  const alerts = storedAlertHistory(alertStore);
  const p = config.predict;
  const a = config.recommend.actions;
  const runner = new ActionRunner({
    store: recommendations,
    now,
    timeoutMs: a.timeout,
    safety: { enabled: a.enabled, maxPerWindow: a.maxPerWindow, rateWindowMs: a.rateWindow, allowedUrlPrefixes: a.allowedUrlPrefixes },
  });
  const jobs: Job[] = [];
  if (p.enabled) {
    jobs.push(
      createTrainJob({
        warehouse, store: predictions, alerts, registry, log: deps.log.child({ job: 'train' }), now, intervalMs: p.trainInterval, retryMs: p.interval, tenants,
        settings: {
          horizonsMs: p.horizons, windowMs: p.window, stepMs: p.step, severities: p.severities, trainingRangeMs: p.trainingRange,
          testFraction: p.testFraction, trees: p.trees, maxDepth: p.maxDepth, seed: p.seed,
        },
      }),
      createPredictJob({ warehouse, store: predictions, alerts, registry, log: deps.log.child({ job: 'predict' }), now, intervalMs: p.interval, tenants }),
    );
  }
  if (config.recommend.enabled) {
    jobs.push(
      createRecommendJob({
        warehouse, store: recommendations, predictions, alerts, alertAnalytics: storedAlertAnalytics(alertStore, now), registry,
        log: deps.log.child({ job: 'recommend' }), now,
        intervalMs: config.recommend.interval, tenants, policies: toPolicies(config.policies),
        slos: config.recommend.slos.map((s) => ({ name: s.name, service: s.service, objective: s.objective, windowMs: s.window })),
        serviceTypes: config.recommend.serviceTypes,
      }),
    );
  }
  return { jobs, api: { predictions, recommendations, runner, now } };
}
