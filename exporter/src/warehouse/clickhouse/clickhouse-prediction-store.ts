// The prediction store on ClickHouse: models and predictions are versioned rows on their keys
// (ReplacingMergeTree, read with FINAL), so saving one again replaces it, as on DuckDB.
import type { Prediction, TrainedPredictor } from '@sextant/core/predict';
import type { IncreasingIds } from '../increasing-ids.js';
import { modelInfoOf, predictionOf, type ModelInfo, type PredictionQuery, type PredictionStore } from '../prediction-store.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlNumber, sqlString } from './sql-literal.js';

const limitOf = (n: number): string => sqlNumber(Math.max(0, Math.floor(n)));

export class ClickHousePredictionStore implements PredictionStore {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly versions: IncreasingIds,
  ) {}

  async saveModel(tenant: string, p: TrainedPredictor): Promise<void> {
    await this.db.insert('prediction_models', [
      {
        tenant, version: p.version, horizon_ms: p.horizonMs, trained_at_ms: p.trainedAt, range_start_ms: p.trainingRange.start,
        range_end_ms: p.trainingRange.end, feature_names: JSON.stringify(p.featureNames), evaluation: JSON.stringify(p.evaluation),
        train_rows: p.trainRows, test_rows: p.testRows, model: JSON.stringify(p), written: this.versions.next(),
      },
    ]);
  }

  async nextVersion(tenant: string): Promise<number> {
    const [row] = await this.db.read(`SELECT max(version) AS v FROM ${this.db.table('prediction_models')} WHERE tenant = ${sqlString(tenant)}`);
    return Number(row?.v ?? 0) + 1;
  }

  // GLOBAL IN: on a cluster the subquery runs once over every shard (a Distributed table inside IN
  // on the shards is refused, distributed_product_mode = deny); on one server it is a plain IN.
  async latestModels(tenant: string): Promise<TrainedPredictor[]> {
    const rows = await this.db.read(
      `SELECT model FROM ${this.db.table('prediction_models')} FINAL WHERE tenant = ${sqlString(tenant)}
         AND (horizon_ms, version) GLOBAL IN (SELECT horizon_ms, max(version) FROM ${this.db.table('prediction_models')} WHERE tenant = ${sqlString(tenant)} GROUP BY horizon_ms)
       ORDER BY horizon_ms`,
    );
    return rows.map((r) => JSON.parse(String(r.model)) as TrainedPredictor);
  }

  async listModels(tenant: string, limit: number): Promise<ModelInfo[]> {
    const rows = await this.db.read(
      `SELECT version, horizon_ms, trained_at_ms, range_start_ms, range_end_ms, feature_names, evaluation, train_rows, test_rows
       FROM ${this.db.table('prediction_models')} FINAL WHERE tenant = ${sqlString(tenant)} ORDER BY version DESC LIMIT ${limitOf(limit)}`,
    );
    return rows.map(modelInfoOf);
  }

  async savePredictions(tenant: string, predictions: readonly Prediction[]): Promise<void> {
    const version = this.versions.next();
    await this.db.insert(
      'predictions',
      predictions.map((p) => ({
        tenant, entity: p.entity, horizon_ms: p.horizonMs, at_ms: p.at, probability: p.probability, model_version: p.modelVersion,
        ongoing: p.ongoing ? 1 : 0, contributions: JSON.stringify(p.contributions), version,
      })),
    );
  }

  async listPredictions(tenant: string, q: PredictionQuery): Promise<Prediction[]> {
    const where = [`tenant = ${sqlString(tenant)}`];
    if (q.entity !== undefined) where.push(`entity = ${sqlString(q.entity)}`);
    if (q.horizonMs !== undefined) where.push(`horizon_ms = ${sqlNumber(q.horizonMs)}`);
    if (q.from !== undefined) where.push(`at_ms >= ${sqlNumber(q.from)}`);
    if (q.to !== undefined) where.push(`at_ms < ${sqlNumber(q.to)}`);
    if (q.latest) {
      where.push(`(entity, horizon_ms, at_ms) GLOBAL IN (SELECT entity, horizon_ms, max(at_ms) FROM ${this.db.table('predictions')} WHERE tenant = ${sqlString(tenant)} GROUP BY entity, horizon_ms)`);
    }
    const rows = await this.db.read(
      `SELECT * FROM ${this.db.table('predictions')} FINAL WHERE ${where.join(' AND ')} ORDER BY at_ms DESC, probability DESC, entity LIMIT ${limitOf(q.limit)}`,
    );
    return rows.map(predictionOf);
  }
}
