import { actionKey, type ActionRecord, type ActionStep, type Recommendation, type RecommendationStatus } from '@sextant/core/recommend';
import { CommitMemo } from './commit-memo.js';
import type { DuckDbHandle, WriteContext } from './duckdb-handle.js';
import { toRecommendation, withoutLeft, type AuditRow, type FeedbackRow, type LearnedOutcome, type RecommendationStore } from './recommendation-store.js';

/** The recommendation store on DuckDB. */
export class DuckDbRecommendationStore implements RecommendationStore {
  /**
   * The answers of `list` and `actionRecords`, until recommendations or outcomes are written
   * (commit-memo.ts): the recommend job writes them, and the routes that apply, dismiss and rate one.
   */
  private readonly answers = new CommitMemo();

  constructor(private readonly handle: DuckDbHandle) {}

  async save(tenant: string, recs: readonly Recommendation[]): Promise<void> {
    if (recs.length === 0) return;
    await this.handle.write(async (tx) => {
      for (const r of recs) await upsert(tx, tenant, r);
      tx.onCommit(() => this.answers.changed());
    });
  }

  async get(tenant: string, id: string): Promise<Recommendation | undefined> {
    const [row] = await this.handle.read('SELECT * FROM recommendations WHERE tenant = $1 AND id = $2', [tenant, id]);
    return row && toRecommendation(row);
  }

  /** From memory until recommendations are written. */
  list(tenant: string, statuses?: readonly RecommendationStatus[], limit = 1000): Promise<Recommendation[]> {
    return this.answers.get(JSON.stringify(['list', tenant, statuses, limit]), () => this.readList(tenant, statuses, limit));
  }

  private async readList(tenant: string, statuses: readonly RecommendationStatus[] | undefined, limit: number): Promise<Recommendation[]> {
    const filter = statuses?.length ? `AND status IN (${statuses.map((_, i) => `$${i + 3}`).join(', ')})` : '';
    const rows = await this.handle.read(
      `SELECT * FROM recommendations WHERE tenant = $1 ${filter} ORDER BY updated_at_ms DESC, id LIMIT $2`,
      [tenant, limit, ...(statuses ?? [])],
    );
    return rows.map(toRecommendation);
  }

  /** Recommendations the lifecycle still has to look at: open, applied without outcome, recently dismissed. */
  async active(tenant: string): Promise<Recommendation[]> {
    const rows = await this.handle.read(
      `SELECT * FROM recommendations WHERE tenant = $1 AND (status IN ('open', 'dismissed') OR (status = 'applied' AND outcome IS NULL))`,
      [tenant],
    );
    return rows.map(toRecommendation);
  }

  /** From memory until outcomes are written. */
  actionRecords(tenant: string): Promise<Map<string, ActionRecord>> {
    return this.answers.get(JSON.stringify(['actionRecords', tenant]), () => this.readActionRecords(tenant));
  }

  private async readActionRecords(tenant: string): Promise<Map<string, ActionRecord>> {
    const rows = await this.handle.read('SELECT * FROM action_records WHERE tenant = $1', [tenant]);
    return new Map(
      rows.map((r) => [
        actionKey(String(r.action), String(r.context)),
        { action: String(r.action), context: String(r.context), successes: Number(r.successes), failures: Number(r.failures) },
      ]),
    );
  }

  /** See RecommendationStore.saveWithOutcomes: the check of `readAt` and the writes in one transaction. */
  saveWithOutcomes(tenant: string, recs: readonly Recommendation[], outcomes: readonly LearnedOutcome[], readAt?: number): Promise<Set<string>> {
    return this.handle.write(async (tx) => {
      const left = new Set<string>();
      if (readAt !== undefined && recs.length) {
        for (const r of await tx.read('SELECT id FROM recommendations WHERE tenant = $1 AND updated_at_ms > $2', [tenant, readAt])) left.add(String(r.id));
      }
      const { recs: written, outcomes: learned } = withoutLeft(recs, outcomes, left);
      for (const r of written) await upsert(tx, tenant, r);
      for (const o of learned) await addOutcome(tx, tenant, o.action, o.context, o.success);
      if (written.length || learned.length) tx.onCommit(() => this.answers.changed());
      return left;
    });
  }

  async addFeedback(tenant: string, rec: Recommendation, feedback: FeedbackRow): Promise<void> {
    await this.handle.write(async (tx) => {
      await tx.run('INSERT INTO recommendation_feedback VALUES ($1, $2, $3, $4, $5, $6)', [
        tenant, feedback.recommendationId, feedback.at, feedback.helpful, feedback.comment ?? null, feedback.tokenName,
      ]);
      await addOutcome(tx, tenant, rec.action, rec.context, feedback.helpful);
      tx.onCommit(() => this.answers.changed());
    });
  }

  async audit(tenant: string, row: AuditRow): Promise<void> {
    await this.handle.write((tx) =>
      tx.run('INSERT INTO action_audit (tenant, recommendation_id, at_ms, step, detail, token_name) VALUES ($1, $2, $3, $4, $5, $6)', [tenant, row.recommendationId, row.at, row.step, row.detail, row.tokenName]),
    );
  }

  async auditTrail(tenant: string, recommendationId?: string): Promise<AuditRow[]> {
    const rows = await this.handle.read(
      `SELECT * FROM action_audit WHERE tenant = $1 ${recommendationId ? 'AND recommendation_id = $2' : ''} ORDER BY at_ms, seq`,
      recommendationId ? [tenant, recommendationId] : [tenant],
    );
    return rows.map((r) => ({
      recommendationId: String(r.recommendation_id), at: Number(r.at_ms), step: String(r.step) as ActionStep, detail: String(r.detail), tokenName: String(r.token_name),
    }));
  }

  /** Open recommendations per (kind, severity), for the `sextant_recommendations_open` gauge. */
  async openCounts(): Promise<{ tenant: string; kind: string; severity: string; count: number }[]> {
    const rows = await this.handle.read(
      `SELECT tenant, kind, severity, count(*) AS n FROM recommendations WHERE status = 'open' GROUP BY ALL ORDER BY ALL`,
    );
    return rows.map((r) => ({ tenant: String(r.tenant), kind: String(r.kind), severity: String(r.severity), count: Number(r.n) }));
  }
}

async function addOutcome(tx: WriteContext, tenant: string, action: string, context: string, success: boolean): Promise<void> {
  await tx.run(
    `INSERT INTO action_records VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant, action, context) DO UPDATE SET successes = successes + EXCLUDED.successes, failures = failures + EXCLUDED.failures`,
    [tenant, action, context, success ? 1 : 0, success ? 0 : 1],
  );
}

async function upsert(tx: WriteContext, tenant: string, r: Recommendation): Promise<void> {
  await tx.run(
    `INSERT OR REPLACE INTO recommendations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [
      tenant, r.id, r.key, r.kind, r.entity, r.action, r.context, r.severity, r.priority, r.title, r.explanation,
      JSON.stringify(r.evidence), r.runbookUrl ?? null, r.webhook ? JSON.stringify(r.webhook) : null, r.verifyWithinMs,
      r.status, r.createdAt, r.updatedAt, r.appliedAt ?? null, r.outcome ?? null, r.outcomeAt ?? null,
    ],
  );
}

