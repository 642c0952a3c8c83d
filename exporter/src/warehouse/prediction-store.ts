// Trained predictors and their predictions, per tenant: what the train, predict and recommend jobs
// and the prediction routes need. duckdb-prediction-store.ts implements it.
import type { Prediction, TrainedPredictor } from '@sextant/core/predict';

/** Summary of a stored model, without the trees. */
export interface ModelInfo {
  version: number;
  horizonMs: number;
  trainedAt: number;
  trainingRange: { start: number; end: number };
  featureNames: string[];
  evaluation: TrainedPredictor['evaluation'];
  trainRows: number;
  testRows: number;
}

export interface PredictionQuery {
  entity?: string;
  horizonMs?: number;
  /** Only the newest prediction per (entity, horizon) when true. */
  latest?: boolean;
  from?: number;
  to?: number;
  limit: number;
}

/** Trained predictors and their predictions, per tenant, in the warehouse. */
export interface PredictionStore {
  saveModel(tenant: string, p: TrainedPredictor): Promise<void>;
  /** Next version number for the tenant (versions count up across horizons). */
  nextVersion(tenant: string): Promise<number>;
  /** The newest model per horizon. */
  latestModels(tenant: string): Promise<TrainedPredictor[]>;
  /** Newest first. */
  listModels(tenant: string, limit: number): Promise<ModelInfo[]>;
  /** Idempotent per (entity, horizon, time): re-running a tick replaces its rows. */
  savePredictions(tenant: string, predictions: readonly Prediction[]): Promise<void>;
  listPredictions(tenant: string, q: PredictionQuery): Promise<Prediction[]>;
}

/** A row of prediction_models (either engine) as a model's summary. */
export function modelInfoOf(r: Record<string, unknown>): ModelInfo {
  return {
    version: Number(r.version),
    horizonMs: Number(r.horizon_ms),
    trainedAt: Number(r.trained_at_ms),
    trainingRange: { start: Number(r.range_start_ms), end: Number(r.range_end_ms) },
    featureNames: JSON.parse(String(r.feature_names)) as string[],
    evaluation: JSON.parse(String(r.evaluation)) as TrainedPredictor['evaluation'],
    trainRows: Number(r.train_rows),
    testRows: Number(r.test_rows),
  };
}

/** A row of predictions (either engine: ongoing a boolean or 0/1) as a prediction. */
export function predictionOf(r: Record<string, unknown>): Prediction {
  return {
    entity: String(r.entity),
    horizonMs: Number(r.horizon_ms),
    at: Number(r.at_ms),
    probability: Number(r.probability),
    modelVersion: Number(r.model_version),
    ongoing: Boolean(Number(r.ongoing)),
    contributions: JSON.parse(String(r.contributions)) as Prediction['contributions'],
  };
}
