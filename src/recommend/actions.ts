import type { ActionWebhook, Recommendation } from './types.js';

/**
 * The safety rules of action webhooks, as pure decisions; the service does the HTTP calls and writes an
 * audit row for every step. Only HTTP webhooks exist (no shell), only when enabled in config, only after
 * an approval, never above the rate limit, and a dry run calls nothing.
 */
export interface ActionSafety {
  enabled: boolean;
  /** At most this many executions per `rateWindowMs` (over all recommendations of the tenant). */
  maxPerWindow: number;
  rateWindowMs: number;
  /** Webhook URLs must start with one of these (e.g. `https://ops.example.com/hooks/`). */
  allowedUrlPrefixes: readonly string[];
}

export type ActionStep = 'requested' | 'approved' | 'dry-run' | 'executed' | 'failed' | 'refused' | 'rolled-back';

export interface ActionRequest {
  recommendation: Recommendation;
  approved: boolean;
  dryRun: boolean;
  /** Times of earlier executions (not dry runs) in the tenant, any order. */
  recentExecutions: readonly number[];
  now: number;
}

export type ActionDecision =
  | { kind: 'refuse'; reason: string }
  | { kind: 'dry-run'; webhook: ActionWebhook; body: WebhookBody }
  | { kind: 'execute'; webhook: ActionWebhook; body: WebhookBody };

/** What the webhook receives: enough to act without asking Sextant back. */
export interface WebhookBody {
  recommendationId: string;
  action: string;
  entity: string;
  kind: string;
  title: string;
  evidence: Recommendation['evidence'];
  rollback: boolean;
}

export function webhookBody(rec: Recommendation, rollback = false): WebhookBody {
  return { recommendationId: rec.id, action: rec.action, entity: rec.entity, kind: rec.kind, title: rec.title, evidence: rec.evidence, rollback };
}

/**
 * http(s) only, and under an allowed prefix. A prefix must end in `/`, or `https://ops.example.com`
 * would also allow `https://ops.example.com.attacker.net`.
 */
export function urlAllowed(url: string, safety: ActionSafety): boolean {
  if (!/^https?:\/\/[^\s/]+\/\S*$/i.test(url)) return false;
  return safety.allowedUrlPrefixes.some((prefix) => prefix.endsWith('/') && url.startsWith(prefix));
}

export function decideAction(request: ActionRequest, safety: ActionSafety): ActionDecision {
  const rec = request.recommendation;
  const webhook = rec.webhook;
  if (!safety.enabled) return { kind: 'refuse', reason: 'action webhooks are disabled in the configuration (recommend.actions.enabled)' };
  if (!webhook) return { kind: 'refuse', reason: `recommendation ${rec.id} has no action webhook` };
  if (!urlAllowed(webhook.url, safety)) return { kind: 'refuse', reason: `webhook URL ${webhook.url} is not under an allowed prefix` };
  if (rec.status !== 'open') return { kind: 'refuse', reason: `recommendation ${rec.id} is ${rec.status}, not open` };
  if (request.dryRun) return { kind: 'dry-run', webhook, body: webhookBody(rec) };
  if (!request.approved) return { kind: 'refuse', reason: `recommendation ${rec.id} needs an approval before its webhook runs` };
  const inWindow = request.recentExecutions.filter((t) => t > request.now - safety.rateWindowMs).length;
  if (inWindow >= safety.maxPerWindow) {
    return { kind: 'refuse', reason: `rate limit: ${inWindow} executions in the last ${safety.rateWindowMs / 1000} s (max ${safety.maxPerWindow})` };
  }
  return { kind: 'execute', webhook, body: webhookBody(rec) };
}
