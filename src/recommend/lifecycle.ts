import type { Candidate, Outcome, Recommendation } from './types.js';

/**
 * The lifecycle: open -> applied | dismissed | expired. Each analysis run gives the current candidates;
 * `reconcile` turns them and the stored recommendations into the new state:
 * - a candidate whose key is open updates that recommendation (fresh numbers), else it opens a new one,
 *   unless the key is applied and still being verified, or was dismissed less than `dismissForMs` ago;
 * - an open recommendation whose candidate is gone expires (the condition cleared by itself);
 * - an applied one gets its outcome: success once its candidate is gone within `verifyWithinMs` of the
 *   apply, failure once that time passed with the candidate still there.
 */
export interface ReconcileOptions {
  dismissForMs: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcileOptions = { dismissForMs: 7 * 24 * 3_600_000 };

export interface OutcomeEvent {
  recommendationId: string;
  action: string;
  context: string;
  outcome: Outcome;
  at: number;
}

export interface ReconcileResult {
  /** New or changed recommendations, to be stored. */
  changed: Recommendation[];
  outcomes: OutcomeEvent[];
}

/** Stable id from the key and creation time (FNV-1a), so re-running a reconcile gives the same ids. */
export function recommendationId(key: string, createdAt: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${key}@${createdAt}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `rec-${createdAt.toString(36)}-${h.toString(16).padStart(8, '0')}`;
}

export function reconcile(
  existing: readonly Recommendation[],
  candidates: readonly Candidate[],
  now: number,
  overrides: Partial<ReconcileOptions> = {},
): ReconcileResult {
  const o = { ...DEFAULT_RECONCILE_OPTIONS, ...overrides };
  const current = new Map(candidates.map((c) => [c.key, c]));
  const changed: Recommendation[] = [];
  const outcomes: OutcomeEvent[] = [];
  const blocked = new Set<string>();
  for (const rec of existing) {
    const candidate = current.get(rec.key);
    if (rec.status === 'open') {
      blocked.add(rec.key);
      if (candidate) changed.push({ ...rec, ...candidate, id: rec.id, status: 'open', createdAt: rec.createdAt, updatedAt: now });
      else changed.push({ ...rec, status: 'expired', updatedAt: now });
    } else if (rec.status === 'applied' && rec.outcome === undefined) {
      const deadline = (rec.appliedAt ?? rec.updatedAt) + rec.verifyWithinMs;
      const outcome: Outcome | undefined = !candidate ? 'success' : now >= deadline ? 'failure' : undefined;
      if (outcome) {
        changed.push({ ...rec, outcome, outcomeAt: now, updatedAt: now });
        outcomes.push({ recommendationId: rec.id, action: rec.action, context: rec.context, outcome, at: now });
      }
      // A failed action's condition is still there: the next run may open it again.
      if (!outcome) blocked.add(rec.key);
    } else if (rec.status === 'dismissed' && now - rec.updatedAt < o.dismissForMs) {
      blocked.add(rec.key);
    }
  }
  for (const candidate of candidates) {
    if (blocked.has(candidate.key)) continue;
    blocked.add(candidate.key);
    changed.push({ ...candidate, id: recommendationId(candidate.key, now), status: 'open', createdAt: now, updatedAt: now });
  }
  return { changed, outcomes };
}

export class LifecycleError extends Error {}

/** The user applied it (by hand, or by approving its webhook). Only open recommendations can be applied. */
export function markApplied(rec: Recommendation, now: number): Recommendation {
  if (rec.status !== 'open') throw new LifecycleError(`recommendation ${rec.id} is ${rec.status}, only open ones can be applied`);
  return { ...rec, status: 'applied', appliedAt: now, updatedAt: now };
}

export function markDismissed(rec: Recommendation, now: number): Recommendation {
  if (rec.status !== 'open') throw new LifecycleError(`recommendation ${rec.id} is ${rec.status}, only open ones can be dismissed`);
  return { ...rec, status: 'dismissed', updatedAt: now };
}
