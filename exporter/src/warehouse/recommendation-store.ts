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

/** Recommendations with their lifecycle, the per-(action, context) outcome records, feedback and audit. */
export interface RecommendationStore {
  save(tenant: string, recs: readonly Recommendation[]): Promise<void>;
  get(tenant: string, id: string): Promise<Recommendation | undefined>;
  list(tenant: string, statuses?: readonly RecommendationStatus[], limit?: number): Promise<Recommendation[]>;
  active(tenant: string): Promise<Recommendation[]>;
  actionRecords(tenant: string): Promise<Map<string, ActionRecord>>;
  /** In one transaction: the recommendations and the outcomes learned with them. */
  saveWithOutcomes(tenant: string, recs: readonly Recommendation[], outcomes: readonly { action: string; context: string; success: boolean }[]): Promise<void>;
  addFeedback(tenant: string, rec: Recommendation, feedback: FeedbackRow): Promise<void>;
  audit(tenant: string, row: AuditRow): Promise<void>;
  auditTrail(tenant: string, recommendationId?: string): Promise<AuditRow[]>;
  openCounts(): Promise<{ tenant: string; kind: string; severity: string; count: number }[]>;
}
