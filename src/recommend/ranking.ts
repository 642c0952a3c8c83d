import { round } from './format.js';
import type { Outcome, Recommendation } from './types.js';

/**
 * A Beta posterior per (action, context) over "this action fixes the problem here". Outcomes observed
 * after apply and explicit user feedback are both evidence; the prior Beta(1, 1) says nothing.
 */
export interface ActionRecord {
  action: string;
  context: string;
  successes: number;
  failures: number;
}

export interface Posterior {
  alpha: number;
  beta: number;
  mean: number;
  /** Observations behind it, and their raw success rate (null with none). */
  count: number;
  rate: number | null;
}

export const PRIOR = { alpha: 1, beta: 1 } as const;

export function actionKey(action: string, context: string): string {
  return `${action}\u0000${context}`;
}

export function posterior(record: ActionRecord | undefined): Posterior {
  const s = record?.successes ?? 0;
  const f = record?.failures ?? 0;
  const alpha = PRIOR.alpha + s;
  const beta = PRIOR.beta + f;
  return { alpha, beta, mean: alpha / (alpha + beta), count: s + f, rate: s + f === 0 ? null : s / (s + f) };
}

/** Adds one outcome (or one piece of feedback: helpful = success) to the record, returning a new record. */
export function observe(record: ActionRecord | undefined, action: string, context: string, outcome: Outcome): ActionRecord {
  const base = record ?? { action, context, successes: 0, failures: 0 };
  return outcome === 'success' ? { ...base, successes: base.successes + 1 } : { ...base, failures: base.failures + 1 };
}

export interface Ranked {
  recommendation: Recommendation;
  /** priority / 100 x posterior mean: what the list is sorted by. */
  score: number;
  posterior: { mean: number; count: number; rate: number | null };
}

/** Sorts by score, highest first; ties by severity then id so the order is stable. */
export function rank(recs: readonly Recommendation[], records: ReadonlyMap<string, ActionRecord>): Ranked[] {
  const severityOrder = { critical: 0, warning: 1, info: 2 } as const;
  return recs
    .map((recommendation) => {
      const p = posterior(records.get(actionKey(recommendation.action, recommendation.context)));
      return {
        recommendation,
        score: round((recommendation.priority / 100) * p.mean, 6),
        posterior: { mean: round(p.mean, 4), count: p.count, rate: p.rate === null ? null : round(p.rate, 4) },
      };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        severityOrder[a.recommendation.severity] - severityOrder[b.recommendation.severity] ||
        a.recommendation.id.localeCompare(b.recommendation.id),
    );
}
