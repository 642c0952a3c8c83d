// Recommendations on ClickHouse: each save is a new version of the row (read with FINAL); the
// action records are rows of deltas (one per outcome or feedback) summed when read. Without a
// transaction, saveWithOutcomes writes the recommendations first: a failure before the outcomes
// loses those outcomes' evidence rather than counting it twice when the step is retried.
import { actionKey, type ActionRecord, type ActionStep, type Recommendation, type RecommendationStatus } from '@sextant/core/recommend';
import type { IncreasingIds } from '../increasing-ids.js';
import { toRecommendation, withoutLeft, type AuditRow, type FeedbackRow, type LearnedOutcome, type RecommendationStore } from '../recommendation-store.js';
import type { ClickHouseConnection, ClickHouseRow } from './clickhouse-connection.js';
import { sqlNumber, sqlString, sqlStrings } from './sql-literal.js';

export class ClickHouseRecommendationStore implements RecommendationStore {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly versions: IncreasingIds,
  ) {}

  async save(tenant: string, recs: readonly Recommendation[]): Promise<void> {
    const version = this.versions.next();
    await this.db.insert('recommendations', recs.map((r) => rowOf(tenant, r, version)));
  }

  private async select(where: string, tail = ''): Promise<Recommendation[]> {
    return (await this.db.read(`SELECT * FROM ${this.db.table('recommendations')} FINAL WHERE ${where} ${tail}`)).map(toRecommendation);
  }

  async get(tenant: string, id: string): Promise<Recommendation | undefined> {
    const [found] = await this.select(`tenant = ${sqlString(tenant)} AND id = ${sqlString(id)}`);
    return found;
  }

  list(tenant: string, statuses?: readonly RecommendationStatus[], limit = 1000): Promise<Recommendation[]> {
    const filter = statuses?.length ? ` AND status IN (${sqlStrings(statuses)})` : '';
    return this.select(`tenant = ${sqlString(tenant)}${filter}`, `ORDER BY updated_at_ms DESC, id LIMIT ${sqlNumber(Math.max(0, Math.floor(limit)))}`);
  }

  active(tenant: string): Promise<Recommendation[]> {
    return this.select(`tenant = ${sqlString(tenant)} AND (status IN ('open', 'dismissed') OR (status = 'applied' AND isNull(outcome)))`);
  }

  async actionRecords(tenant: string): Promise<Map<string, ActionRecord>> {
    const rows = await this.db.read(
      `SELECT action, context, sum(successes) AS successes, sum(failures) AS failures FROM ${this.db.table('action_outcomes')}
       WHERE tenant = ${sqlString(tenant)} GROUP BY action, context`,
    );
    return new Map(
      rows.map((r) => [
        actionKey(String(r.action), String(r.context)),
        { action: String(r.action), context: String(r.context), successes: Number(r.successes), failures: Number(r.failures) },
      ]),
    );
  }

  /** See RecommendationStore.saveWithOutcomes; without a transaction, `readAt` is checked just before the writes. */
  async saveWithOutcomes(tenant: string, recs: readonly Recommendation[], outcomes: readonly LearnedOutcome[], readAt?: number): Promise<Set<string>> {
    const left = new Set<string>();
    if (readAt !== undefined && recs.length) {
      const rows = await this.db.read(`SELECT id FROM ${this.db.table('recommendations')} FINAL WHERE tenant = ${sqlString(tenant)} AND updated_at_ms > ${sqlNumber(readAt)}`);
      for (const r of rows) left.add(String(r.id));
    }
    const { recs: written, outcomes: learned } = withoutLeft(recs, outcomes, left);
    await this.save(tenant, written);
    await this.db.insert('action_outcomes', learned.map((o) => outcomeRow(tenant, o.action, o.context, o.success)));
    return left;
  }

  async addFeedback(tenant: string, rec: Recommendation, feedback: FeedbackRow): Promise<void> {
    await this.db.insert('recommendation_feedback', [
      { tenant, recommendation_id: feedback.recommendationId, at_ms: feedback.at, helpful: feedback.helpful ? 1 : 0, comment: feedback.comment ?? null, token_name: feedback.tokenName },
    ]);
    await this.db.insert('action_outcomes', [outcomeRow(tenant, rec.action, rec.context, feedback.helpful)]);
  }

  async audit(tenant: string, row: AuditRow): Promise<void> {
    await this.db.insert('action_audit', [
      { seq: this.versions.next(), tenant, recommendation_id: row.recommendationId, at_ms: row.at, step: row.step, detail: row.detail, token_name: row.tokenName },
    ]);
  }

  async auditTrail(tenant: string, recommendationId?: string): Promise<AuditRow[]> {
    const rows = await this.db.read(
      `SELECT * FROM ${this.db.table('action_audit')} WHERE tenant = ${sqlString(tenant)}
       ${recommendationId ? `AND recommendation_id = ${sqlString(recommendationId)}` : ''} ORDER BY at_ms, seq`,
    );
    return rows.map((r) => ({
      recommendationId: String(r.recommendation_id), at: Number(r.at_ms), step: String(r.step) as ActionStep, detail: String(r.detail), tokenName: String(r.token_name),
    }));
  }

  async openCounts(): Promise<{ tenant: string; kind: string; severity: string; count: number }[]> {
    const rows = await this.db.read(
      `SELECT tenant, kind, severity, count() AS n FROM ${this.db.table('recommendations')} FINAL WHERE status = 'open'
       GROUP BY tenant, kind, severity ORDER BY tenant, kind, severity`,
    );
    return rows.map((r) => ({ tenant: String(r.tenant), kind: String(r.kind), severity: String(r.severity), count: Number(r.n) }));
  }
}

function outcomeRow(tenant: string, action: string, context: string, success: boolean): ClickHouseRow {
  return { tenant, action, context, successes: success ? 1 : 0, failures: success ? 0 : 1 };
}

function rowOf(tenant: string, r: Recommendation, version: number): ClickHouseRow {
  return {
    tenant, id: r.id, key: r.key, kind: r.kind, entity: r.entity, action: r.action, context: r.context, severity: r.severity,
    priority: r.priority, title: r.title, explanation: r.explanation, evidence: JSON.stringify(r.evidence), runbook_url: r.runbookUrl ?? null,
    webhook: r.webhook ? JSON.stringify(r.webhook) : null, verify_within_ms: r.verifyWithinMs, status: r.status, created_at_ms: r.createdAt,
    updated_at_ms: r.updatedAt, applied_at_ms: r.appliedAt ?? null, outcome: r.outcome ?? null, outcome_at_ms: r.outcomeAt ?? null, version,
  };
}
