import type { TimeRange } from '../model/index.js';
import { alertsByEntity, type AlertPeriod } from './alerts.js';
import { buildDataset, rowVector, splitByTime } from './dataset.js';
import { evaluateScores, type Evaluation } from './evaluate.js';
import { featureVectors, type EntityHistory } from './features.js';
import { explainPrediction, predictProbability, trainForest, type Contribution, type ForestModel, type ForestOptions } from './forest.js';

/** A trained failure predictor for one horizon, as the warehouse stores it. */
export interface TrainedPredictor {
  version: number;
  horizonMs: number;
  windowMs: number;
  stepMs: number;
  severities: string[];
  trainedAt: number;
  trainingRange: TimeRange;
  featureNames: string[];
  /** On the most recent `testFraction` of the range, by a model trained on the rest. */
  evaluation: Evaluation;
  trainRows: number;
  testRows: number;
  forest: ForestModel;
}

export interface TrainOptions {
  version: number;
  horizonMs: number;
  windowMs: number;
  stepMs: number;
  severities: readonly string[];
  /** Share of the range (its end) held out for the evaluation. */
  testFraction: number;
  forest: Partial<ForestOptions>;
}

export class NotEnoughDataError extends Error {
  override name = 'NotEnoughDataError';
}

/**
 * Time-based split: evaluate a forest trained on the older part on the newer part, then train the
 * stored forest on everything, so it knows the latest behaviour too.
 */
export function trainPredictor(
  histories: readonly EntityHistory[],
  alerts: readonly AlertPeriod[],
  range: TimeRange,
  now: number,
  options: TrainOptions,
): TrainedPredictor {
  const dataset = buildDataset(histories, alerts, range, { ...options, severities: options.severities });
  const positives = dataset.labels.reduce((a, b) => a + b, 0);
  if (positives < 2 || positives === dataset.rows.length) {
    throw new NotEnoughDataError(`need at least 2 positive and some negative windows, have ${positives} of ${dataset.rows.length}`);
  }
  const cut = range.end - options.testFraction * (range.end - range.start);
  const { train, test } = splitByTime(dataset, cut, options.horizonMs);
  const trainPositives = train.labels.reduce((a, b) => a + b, 0);
  if (trainPositives === 0 || test.rows.length === 0) {
    throw new NotEnoughDataError(`the time split leaves ${trainPositives} positive training windows and ${test.rows.length} test windows`);
  }
  const held = trainForest({ featureNames: [...train.featureNames], matrix: train.matrix, labels: train.labels }, options.forest);
  const evaluation = evaluateScores(test.rows, test.rows.map((_, i) => predictProbability(held, rowVector(test.matrix, i))));
  const forest = trainForest({ featureNames: [...dataset.featureNames], matrix: dataset.matrix, labels: dataset.labels }, options.forest);
  return {
    version: options.version,
    horizonMs: options.horizonMs,
    windowMs: options.windowMs,
    stepMs: options.stepMs,
    severities: [...options.severities],
    trainedAt: now,
    trainingRange: range,
    featureNames: [...dataset.featureNames],
    evaluation,
    trainRows: train.rows.length,
    testRows: test.rows.length,
    forest,
  };
}

export interface Prediction {
  entity: string;
  horizonMs: number;
  /** End of the feature window: the prediction is about (at, at + horizon]. */
  at: number;
  probability: number;
  modelVersion: number;
  /** The features that pushed this probability most, with their values. */
  contributions: Contribution[];
  /** True while a counted alert already fires for the entity: the failure is here, not ahead. */
  ongoing: boolean;
}

export function predictNow(
  predictor: TrainedPredictor,
  histories: readonly EntityHistory[],
  alerts: readonly AlertPeriod[],
  now: number,
  top = 5,
): Prediction[] {
  const byEntity = alertsByEntity(alerts);
  return histories.map((history) => {
    const entityAlerts = byEntity.get(history.entity) ?? [];
    const [x] = featureVectors(history, entityAlerts, [now], predictor);
    const e = explainPrediction(predictor.forest, x!, top);
    return {
      entity: history.entity,
      horizonMs: predictor.horizonMs,
      at: now,
      probability: e.probability,
      modelVersion: predictor.version,
      contributions: e.contributions,
      ongoing: entityAlerts.some(
        (a) => predictor.severities.includes(a.severity) && a.startsAt <= now && (a.endsAt === undefined || a.endsAt > now),
      ),
    };
  });
}
