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
