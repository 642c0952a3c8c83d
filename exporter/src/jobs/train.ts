// The training stage: on its schedule, per tenant and horizon, reads the training range from the
// warehouse, trains a failure predictor in a worker thread (the event loop keeps serving /metrics and
// the API meanwhile) and stores it with its version, range, features and held-out evaluation.
import type { TimeRange } from '@sextant/core';
import type { TrainOptions, TrainedPredictor } from '@sextant/core/predict';
import { Counter, Gauge } from 'prom-client';
import type { Job } from './job.js';
import { horizonLabel, type PredictJobDeps } from './predict.js';
import { loadPredictColumns, type PredictColumns } from './predict-inputs.js';
import { coreWorkers, WorkerTaskError } from '../worker-pool.js';

export interface PredictSettings {
  horizonsMs: number[];
  windowMs: number;
  stepMs: number;
  severities: string[];
  trainingRangeMs: number;
  testFraction: number;
  trees: number;
  maxDepth: number;
  seed: number;
}

export const DEFAULT_PREDICT_SETTINGS: PredictSettings = {
  horizonsMs: [30 * 60_000],
  windowMs: 30 * 60_000,
  stepMs: 5 * 60_000,
  severities: ['critical'],
  trainingRangeMs: 28 * 86_400_000,
  testFraction: 0.25,
  trees: 100,
  maxDepth: 12,
  seed: 1,
};

export interface TrainJobDeps extends PredictJobDeps {
  settings: PredictSettings;
  /**
   * After a run that found too little data (a fresh warehouse, still ingesting), the next run comes
   * this soon, doubling on each further such run up to intervalMs, instead of a whole intervalMs later.
   */
  retryMs?: number;
}

export interface TrainJob extends Job {
  /** One training pass over every tenant and horizon; resolves with the models stored. */
  trainAll(signal?: AbortSignal): Promise<TrainedPredictor[]>;
}

export class NotEnoughTrainingData extends Error {}

/**
 * The core's trainPredictor, entity histories included, in the service's worker pool: the event loop
 * keeps serving meanwhile. With `last`, the columns' buffers move to the worker (no copy; unusable here after).
 */
async function trainInWorker(inputs: PredictColumns, range: TimeRange, now: number, options: TrainOptions, last: boolean, signal?: AbortSignal): Promise<TrainedPredictor> {
  try {
    const args = [inputs.columns, inputs.alerts, range, now, options];
    return await coreWorkers.run<TrainedPredictor>({ module: '@sextant/core/predict', name: 'trainPredictorOnColumns' }, args, signal, last ? inputs.transfer : []);
  } catch (error) {
    if (error instanceof WorkerTaskError && error.errorName === 'NotEnoughDataError') throw new NotEnoughTrainingData(error.message);
    throw error;
  }
}

export function createTrainJob(deps: TrainJobDeps): TrainJob {
  const { settings, log } = deps;
  const runs = new Counter({
    name: 'sextant_predict_training_runs_total',
    help: 'Training runs of the failure predictor, by outcome (ok, not_enough_data, error).',
    labelNames: ['horizon', 'outcome'],
    registers: [deps.registry],
  });
  const seconds = new Gauge({
    name: 'sextant_predict_training_duration_seconds',
    help: 'Duration of the last training run (load, train, evaluate, store).',
    labelNames: ['horizon'],
    registers: [deps.registry],
  });
  const rows = new Gauge({
    name: 'sextant_predict_training_rows',
    help: 'Labelled windows in the last training run, by part (train, test).',
    labelNames: ['horizon', 'part'],
    registers: [deps.registry],
  });
  const prAuc = new Gauge({
    name: 'sextant_predict_model_pr_auc_ratio',
    help: 'PR-AUC of the latest model on its held-out (most recent) windows.',
    labelNames: ['tenant', 'horizon'],
    registers: [deps.registry],
  });
  const inProgress = new Gauge({
    name: 'sextant_predict_training_in_progress',
    help: '1 while a training run is under way.',
    registers: [deps.registry],
  });

  let lacked = false;
  /** Set while runs keep finding too little data (see retryMs). */
  let retryDelayMs: number | undefined;

  async function trainAll(signal?: AbortSignal): Promise<TrainedPredictor[]> {
    const stored: TrainedPredictor[] = [];
    lacked = false;
    inProgress.set(1);
    try {
      for (const tenant of deps.tenants) {
        const now = deps.now();
        const range = { start: now - settings.trainingRangeMs, end: now };
        const inputs = await loadPredictColumns(deps.warehouse, deps.alerts, tenant, range);
        for (const [index, horizonMs] of settings.horizonsMs.entries()) {
          if (signal?.aborted) return stored;
          const horizon = horizonLabel(horizonMs);
          const started = performance.now();
          log.info('training started', { tenant, horizon, series: Object.values(inputs.columns).flat().length, alerts: inputs.alerts.startsAt.length });
          try {
            const options: TrainOptions = {
              version: await deps.store.nextVersion(tenant),
              horizonMs,
              windowMs: settings.windowMs,
              stepMs: settings.stepMs,
              severities: settings.severities,
              testFraction: settings.testFraction,
              forest: { trees: settings.trees, maxDepth: settings.maxDepth, seed: settings.seed },
            };
            const model = await trainInWorker(inputs, range, now, options, index === settings.horizonsMs.length - 1, signal);
            await deps.store.saveModel(tenant, model);
            stored.push(model);
            runs.inc({ horizon, outcome: 'ok' });
            rows.set({ horizon, part: 'train' }, model.trainRows);
            rows.set({ horizon, part: 'test' }, model.testRows);
            prAuc.set({ tenant, horizon }, model.evaluation.prAuc);
            log.info('training done', {
              tenant, horizon, version: model.version, trainRows: model.trainRows, testRows: model.testRows,
              prAuc: model.evaluation.prAuc, precisionAtHalfRecall: model.evaluation.precisionAtHalfRecall,
              medianLeadMs: model.evaluation.medianLeadMs,
            });
          } catch (error) {
            const notEnough = error instanceof NotEnoughTrainingData;
            lacked ||= notEnough;
            runs.inc({ horizon, outcome: notEnough ? 'not_enough_data' : 'error' });
            (notEnough ? log.warn : log.error).call(log, 'training skipped', { tenant, horizon, reason: (error as Error).message });
          } finally {
            seconds.set({ horizon }, (performance.now() - started) / 1000);
          }
        }
      }
    } finally {
      inProgress.set(0);
    }
    return stored;
  }

  return {
    name: 'train',
    // The scheduler reads this after each run, so a fresh service gets its first model minutes after
    // the first ingest rather than one whole training interval later.
    get intervalMs() {
      return retryDelayMs ?? deps.intervalMs;
    },
    trainAll,
    async run(signal) {
      await trainAll(signal);
      const { retryMs } = deps;
      retryDelayMs = lacked && retryMs !== undefined ? Math.min(deps.intervalMs, retryDelayMs === undefined ? retryMs : retryDelayMs * 2) : undefined;
    },
  };
}
