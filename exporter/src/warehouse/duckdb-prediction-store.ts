import type { Prediction, TrainedPredictor } from '@sextant/core/predict';
import { CommitMemo } from './commit-memo.js';
import type { DuckDbHandle } from './duckdb-handle.js';
import { modelInfoOf, predictionOf, type ModelInfo, type PredictionQuery, type PredictionStore } from './prediction-store.js';

/** The prediction store on DuckDB. */
export class DuckDbPredictionStore implements PredictionStore {
  /** The answers of `listPredictions`, until predictions are saved (commit-memo.ts). */
  private readonly answers = new CommitMemo();

  constructor(private readonly handle: DuckDbHandle) {}

  async saveModel(tenant: string, p: TrainedPredictor): Promise<void> {
    await this.handle.write((tx) =>
      tx.run(
        `INSERT OR REPLACE INTO prediction_models VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [tenant, p.version, p.horizonMs, p.trainedAt, p.trainingRange.start, p.trainingRange.end, JSON.stringify(p.featureNames),
          JSON.stringify(p.evaluation), p.trainRows, p.testRows, JSON.stringify(p)],
      ),
    );
  }

  /** Next version number for the tenant (versions count up across horizons). */
  async nextVersion(tenant: string): Promise<number> {
    const [row] = await this.handle.read('SELECT max(version) AS v FROM prediction_models WHERE tenant = $1', [tenant]);
    return Number(row?.v ?? 0) + 1;
  }

  /** The newest model per horizon. */
  async latestModels(tenant: string): Promise<TrainedPredictor[]> {
    const rows = await this.handle.read(
      `SELECT model FROM prediction_models m WHERE tenant = $1
         AND version = (SELECT max(version) FROM prediction_models WHERE tenant = m.tenant AND horizon_ms = m.horizon_ms)
       ORDER BY horizon_ms`,
      [tenant],
    );
    return rows.map((r) => JSON.parse(String(r.model)) as TrainedPredictor);
  }

  async listModels(tenant: string, limit: number): Promise<ModelInfo[]> {
    const rows = await this.handle.read(
      `SELECT version, horizon_ms, trained_at_ms, range_start_ms, range_end_ms, feature_names, evaluation, train_rows, test_rows
       FROM prediction_models WHERE tenant = $1 ORDER BY version DESC LIMIT $2`,
      [tenant, limit],
    );
    return rows.map(modelInfoOf);
  }

  /** Idempotent per (entity, horizon, time): re-running a tick replaces its rows. */
  async savePredictions(tenant: string, predictions: readonly Prediction[]): Promise<void> {
    if (predictions.length === 0) return;
    await this.handle.write(async (tx) => {
      for (const p of predictions) {
        await tx.run(`INSERT OR REPLACE INTO predictions VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
          tenant, p.entity, p.horizonMs, p.at, p.probability, p.modelVersion, p.ongoing, JSON.stringify(p.contributions),
        ]);
      }
      tx.onCommit(() => this.answers.changed());
    });
  }

  /** From memory until predictions are saved. */
  listPredictions(tenant: string, q: PredictionQuery): Promise<Prediction[]> {
    return this.answers.get(JSON.stringify([tenant, q]), () => this.readPredictions(tenant, q));
  }

  private async readPredictions(tenant: string, q: PredictionQuery): Promise<Prediction[]> {
    const where = ['tenant = $1'];
    const params: (string | number)[] = [tenant];
    const add = (sql: string, value: string | number) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.entity !== undefined) add('entity = ?', q.entity);
    if (q.horizonMs !== undefined) add('horizon_ms = ?', q.horizonMs);
    if (q.from !== undefined) add('at_ms >= ?', q.from);
    if (q.to !== undefined) add('at_ms < ?', q.to);
    const latest = q.latest
      ? `AND at_ms = (SELECT max(at_ms) FROM predictions p2 WHERE p2.tenant = p.tenant AND p2.entity = p.entity AND p2.horizon_ms = p.horizon_ms)`
      : '';
    params.push(q.limit);
    const rows = await this.handle.read(
      `SELECT * FROM predictions p WHERE ${where.join(' AND ')} ${latest}
       ORDER BY at_ms DESC, probability DESC, entity LIMIT $${params.length}`,
      params,
    );
    return rows.map(predictionOf);
  }
}
