// Recommendations with their lifecycle, outcome records, feedback and audit: what the recommend job,
// the action runner and the routes need. duckdb-recommendation-store.ts implements it.
import type { ActionRecord, ActionStep, Recommendation, RecommendationStatus } from '@sextant/core/recommend';

export interface AuditRow {
  recommendationId: string;
  at: number;
  step: ActionStep;
  detail: string;
  tokenName: string;
}

export interface FeedbackRow {
  recommendationId: string;
  at: number;
  helpful: boolean;
  comment?: string;
  tokenName: string;
}

/** An outcome the lifecycle learned, of the recommendation `recommendationId` when it says so. */
export interface LearnedOutcome {
  action: string;
  context: string;
  success: boolean;
  recommendationId?: string;
}

/** What the lifecycle's write keeps once the recommendations a user changed meanwhile (`left`) are set aside, with the outcomes of their ids. */
export function withoutLeft(recs: readonly Recommendation[], outcomes: readonly LearnedOutcome[], left: ReadonlySet<string>): { recs: Recommendation[]; outcomes: LearnedOutcome[] } {
  return { recs: recs.filter((r) => !left.has(r.id)), outcomes: outcomes.filter((o) => o.recommendationId === undefined || !left.has(o.recommendationId)) };
}

/** Recommendations with their lifecycle, the per-(action, context) outcome records, feedback and audit. */
export interface RecommendationStore {
  save(tenant: string, recs: readonly Recommendation[]): Promise<void>;
  get(tenant: string, id: string): Promise<Recommendation | undefined>;
  list(tenant: string, statuses?: readonly RecommendationStatus[], limit?: number): Promise<Recommendation[]>;
  active(tenant: string): Promise<Recommendation[]>;
  actionRecords(tenant: string): Promise<Map<string, ActionRecord>>;
  /**
   * The lifecycle's write, in one transaction: the recommendations and the outcomes learned with
   * them. With `readAt` (when the lifecycle read what it decided from), a recommendation stored with
   * a later updated_at (a user applied or dismissed it meanwhile) is left as it is, with the outcomes
   * of its id, for the next run to look at again. Resolves to the ids left.
   */
  saveWithOutcomes(tenant: string, recs: readonly Recommendation[], outcomes: readonly LearnedOutcome[], readAt?: number): Promise<Set<string>>;
  addFeedback(tenant: string, rec: Recommendation, feedback: FeedbackRow): Promise<void>;
  audit(tenant: string, row: AuditRow): Promise<void>;
  auditTrail(tenant: string, recommendationId?: string): Promise<AuditRow[]>;
  openCounts(): Promise<{ tenant: string; kind: string; severity: string; count: number }[]>;
}

/** A row of recommendations (either engine) as a recommendation. */
export function toRecommendation(r: Record<string, unknown>): Recommendation {
  return {
    id: String(r.id),
    key: String(r.key),
    kind: String(r.kind) as Recommendation['kind'],
    entity: String(r.entity),
    action: String(r.action),
    context: String(r.context),
    severity: String(r.severity) as Recommendation['severity'],
    priority: Number(r.priority),
    title: String(r.title),
    explanation: String(r.explanation),
    evidence: JSON.parse(String(r.evidence)) as Recommendation['evidence'],
    ...(r.runbook_url ? { runbookUrl: String(r.runbook_url) } : {}),
    ...(r.webhook ? { webhook: JSON.parse(String(r.webhook)) as NonNullable<Recommendation['webhook']> } : {}),
    verifyWithinMs: Number(r.verify_within_ms),
    status: String(r.status) as RecommendationStatus,
    createdAt: Number(r.created_at_ms),
    updatedAt: Number(r.updated_at_ms),
    ...(r.applied_at_ms !== null && r.applied_at_ms !== undefined ? { appliedAt: Number(r.applied_at_ms) } : {}),
    ...(r.outcome ? { outcome: String(r.outcome) as NonNullable<Recommendation['outcome']> } : {}),
    ...(r.outcome_at_ms !== null && r.outcome_at_ms !== undefined ? { outcomeAt: Number(r.outcome_at_ms) } : {}),
  };
}
