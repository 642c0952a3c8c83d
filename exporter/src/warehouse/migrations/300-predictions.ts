import type { Migration } from './migration.js';

// Times are BIGINT Unix milliseconds (UTC). JSON columns hold what the core defines (forest, evaluation,
// contributions) as text, read back with JSON.parse.
export const predictions: Migration = {
  version: 300,
  name: 'prediction models and predictions',
  up: [
    `CREATE TABLE prediction_models (
       tenant VARCHAR NOT NULL,
       version BIGINT NOT NULL,
       horizon_ms BIGINT NOT NULL,
       trained_at_ms BIGINT NOT NULL,
       range_start_ms BIGINT NOT NULL,   -- training range [start, end)
       range_end_ms BIGINT NOT NULL,
       feature_names VARCHAR NOT NULL,   -- JSON array
       evaluation VARCHAR NOT NULL,      -- JSON: precision, recall, PR-AUC, median lead time ...
       train_rows BIGINT NOT NULL,
       test_rows BIGINT NOT NULL,
       model VARCHAR NOT NULL,           -- JSON: the whole trained predictor
       PRIMARY KEY (tenant, horizon_ms, version))`,
    `CREATE TABLE predictions (
       tenant VARCHAR NOT NULL,
       entity VARCHAR NOT NULL,
       horizon_ms BIGINT NOT NULL,
       at_ms BIGINT NOT NULL,            -- end of the feature window
       probability DOUBLE NOT NULL,
       model_version BIGINT NOT NULL,
       ongoing BOOLEAN NOT NULL,
       contributions VARCHAR NOT NULL,   -- JSON array of {feature, value, contribution}
       PRIMARY KEY (tenant, entity, horizon_ms, at_ms))`,
  ],
};
