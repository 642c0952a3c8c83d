import type { Labels } from '../model/index.js';
import { round } from './format.js';
import type { ActionWebhook, Candidate, Evidence, Severity } from './types.js';

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** A condition on what Sextant knows of an entity now; all conditions of an action must hold. */
export type PolicyCondition =
  | { metric: string; op: Comparison; value: number }
  | { anomalyScore: { op: Comparison; value: number } }
  | { failureProbability: { op: Comparison; value: number } }
  /** Holds when an alert firing for the entity has all these labels. */
  | { alert: Record<string, string> };

export interface PolicyAction {
  action: string;
  /** `{entity}` and `{service}` are replaced. */
  title: string;
  when: PolicyCondition[];
  priority: number;
  severity: Severity;
  runbookUrl?: string;
  webhook?: ActionWebhook;
  verifyWithinMs: number;
}

export interface Policy {
  name: string;
  /** Applies to entities of this service, or of this service type; neither means every entity. */
  service?: string;
  serviceType?: string;
  actions: PolicyAction[];
}

/** An entity as the policies see it at one moment. */
export interface EntitySnapshot {
  entity: string;
  service?: string;
  serviceType?: string;
  /** Named current values, e.g. `memory_level`, `disk_max` (the predictor's feature names). */
  metrics: Readonly<Record<string, number>>;
  anomalyScore?: number;
  failureProbability?: number;
  firingAlerts: readonly Labels[];
}

export function compare(left: number, op: Comparison, right: number): boolean {
  switch (op) {
    case '>': return left > right;
    case '>=': return left >= right;
    case '<': return left < right;
    case '<=': return left <= right;
    case '==': return left === right;
    case '!=': return left !== right;
  }
}

/** Whether the condition holds, and the evidence for it (undefined when it does not hold). */
function check(condition: PolicyCondition, s: EntitySnapshot): Evidence | undefined {
  if ('metric' in condition) {
    const v = s.metrics[condition.metric];
    return v !== undefined && compare(v, condition.op, condition.value)
      ? { name: `${condition.metric} ${condition.op} ${condition.value}`, value: round(v, 4) }
      : undefined;
  }
  if ('anomalyScore' in condition) {
    const v = s.anomalyScore;
    const c = condition.anomalyScore;
    return v !== undefined && compare(v, c.op, c.value) ? { name: `anomaly score ${c.op} ${c.value}`, value: round(v, 3) } : undefined;
  }
  if ('failureProbability' in condition) {
    const v = s.failureProbability;
    const c = condition.failureProbability;
    return v !== undefined && compare(v, c.op, c.value)
      ? { name: `failure probability ${c.op} ${c.value}`, value: round(v, 3) }
      : undefined;
  }
  const wanted = Object.entries(condition.alert);
  const hit = s.firingAlerts.find((labels) => wanted.every(([k, v]) => labels[k] === v));
  return hit ? { name: `alert firing ${JSON.stringify(condition.alert)}`, value: hit['alertname'] ?? 'yes' } : undefined;
}

export function policyApplies(policy: Policy, s: EntitySnapshot): boolean {
  if (policy.service !== undefined && policy.service !== s.service) return false;
  if (policy.serviceType !== undefined && policy.serviceType !== s.serviceType) return false;
  return true;
}

/** Every action of every applicable policy whose conditions all hold, as a candidate with its evidence. */
export function evaluatePolicies(policies: readonly Policy[], snapshots: readonly EntitySnapshot[]): Candidate[] {
  const out: Candidate[] = [];
  for (const s of snapshots) {
    for (const policy of policies) {
      if (!policyApplies(policy, s)) continue;
      for (const a of policy.actions) {
        const evidence = a.when.map((c) => check(c, s));
        if (a.when.length === 0 || evidence.some((e) => e === undefined)) continue;
        const held = evidence as Evidence[];
        out.push({
          key: `policy:${policy.name}:${a.action}:${s.entity}`,
          kind: 'policy',
          entity: s.entity,
          action: a.action,
          context: s.serviceType ?? s.service ?? s.entity,
          severity: a.severity,
          priority: a.priority,
          title: a.title.replaceAll('{entity}', s.entity).replaceAll('{service}', s.service ?? s.entity),
          explanation: `Policy ${policy.name}: ${held.map((e) => `${e.name} (now ${e.value})`).join(', ')}.`,
          evidence: held,
          ...(a.runbookUrl ? { runbookUrl: a.runbookUrl } : {}),
          ...(a.webhook ? { webhook: a.webhook } : {}),
          verifyWithinMs: a.verifyWithinMs,
        });
      }
    }
  }
  return out;
}
