export const RECOMMENDATION_KINDS = ['policy', 'capacity', 'rightsizing', 'alert-hygiene', 'slo-budget'] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['open', 'applied', 'dismissed', 'expired'] as const;
export type RecommendationStatus = (typeof STATUSES)[number];

/** One number (or fact) behind a recommendation, shown to the user as is. */
export interface Evidence {
  name: string;
  value: number | string;
  unit?: string;
}

/** An HTTP call that carries an action out; never a shell command. */
export interface ActionWebhook {
  url: string;
  method: 'POST' | 'PUT';
  /** Called to undo the action, if the team provides one. */
  rollbackUrl?: string;
}

/** What an analyzer or a policy proposes; becomes a Recommendation through the lifecycle. */
export interface Candidate {
  /** Same key on the next run means the same finding, so it updates instead of duplicating. */
  key: string;
  kind: RecommendationKind;
  entity: string;
  /** What to do, e.g. `restart`, `expand-disk`, `set-keep-firing-for`. */
  action: string;
  /** Where it applies (service type, resource, rule): outcomes are learned per (action, context). */
  context: string;
  severity: Severity;
  /** 0..100, from the policy or the analyzer. */
  priority: number;
  title: string;
  /** One or two sentences with the numbers. */
  explanation: string;
  evidence: Evidence[];
  runbookUrl?: string;
  webhook?: ActionWebhook;
  /** After apply, the condition must clear within this time for the outcome to count as a success. */
  verifyWithinMs: number;
}

export type Outcome = 'success' | 'failure';

export interface Recommendation extends Candidate {
  id: string;
  status: RecommendationStatus;
  createdAt: number;
  updatedAt: number;
  appliedAt?: number;
  /** Set once after apply: whether the triggering condition cleared within `verifyWithinMs`. */
  outcome?: Outcome;
  outcomeAt?: number;
}
