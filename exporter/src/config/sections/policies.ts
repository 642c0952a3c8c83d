// Policies: per service or service type, actions with conditions on metrics (the predictor's feature
// names, e.g. memory_level, disk_max), anomaly score, failure probability and firing alert labels.
// Validated here; evaluated by the core (src/recommend/policy.ts), whose types this output matches.
import { z } from 'zod';
import type { Policy } from '@sextant/core/recommend';
import { COMPARISONS } from '@sextant/core/recommend';
import { duration, httpUrl, integer, oneOf, text } from '../fields.js';

const comparison = oneOf(COMPARISONS as unknown as [string, ...string[]]);
const threshold = z.strictObject({ op: comparison, value: z.number().describe('a number') });

const condition = z.union([
  z.strictObject({ metric: text('a metric (feature) name'), op: comparison, value: z.number().describe('a number') }),
  z.strictObject({ anomalyScore: threshold }),
  z.strictObject({ failureProbability: threshold }),
  z.strictObject({ alert: z.record(z.string(), z.string()).describe('alert labels to match') }),
]);

const action = z.strictObject({
  action: text('an action name such as restart'),
  /** {entity} and {service} are replaced. */
  title: text(),
  when: z.array(condition).min(1).describe('a list of conditions, all of which must hold'),
  priority: integer(0, 100).default(50),
  severity: oneOf(['info', 'warning', 'critical']).default('warning'),
  runbookUrl: httpUrl().optional(),
  /** The condition must clear within this time after apply for the outcome to count as a success. */
  verifyWithin: duration().prefault('30m'),
  webhook: z
    .strictObject({ url: httpUrl(), method: oneOf(['POST', 'PUT']).default('POST'), rollbackUrl: httpUrl().optional() })
    .optional(),
});

const policy = z
  .strictObject({
    name: text('a policy name'),
    service: text().optional(),
    serviceType: text().optional(),
    actions: z.array(action).min(1).describe('a list of actions'),
  })
  .refine((p) => !(p.service && p.serviceType), { message: 'set service or serviceType, not both' });

export const policiesSection = z.array(policy).describe('a list of policies').default([]);

export type PoliciesConfig = z.output<typeof policiesSection>;

/** The config's policies in the core's shape. */
export function toPolicies(config: PoliciesConfig): Policy[] {
  return config.map((p) => ({
    name: p.name,
    ...(p.service ? { service: p.service } : {}),
    ...(p.serviceType ? { serviceType: p.serviceType } : {}),
    actions: p.actions.map((a) => ({
      action: a.action,
      title: a.title,
      when: a.when as Policy['actions'][number]['when'],
      priority: a.priority,
      severity: a.severity as Policy['actions'][number]['severity'],
      verifyWithinMs: a.verifyWithin,
      ...(a.runbookUrl ? { runbookUrl: a.runbookUrl } : {}),
      ...(a.webhook
        ? { webhook: { url: a.webhook.url, method: a.webhook.method as 'POST' | 'PUT', ...(a.webhook.rollbackUrl ? { rollbackUrl: a.webhook.rollbackUrl } : {}) } }
        : {}),
    })),
  }));
}
