// Carries out recommendation action webhooks under the core's safety rules (decideAction): only HTTP,
// only when enabled, only after an approval recorded through the API, a dry run calls nothing, a rate
// limit over the tenant's executions, an optional rollback webhook, and an audit row for every step.
import { decideAction, markApplied, urlAllowed, webhookBody, type ActionSafety, type Recommendation } from '@sextant/core/recommend';
import type { RecommendationStore } from '../warehouse/recommendation-store.js';

export interface ActionRunnerDeps {
  store: RecommendationStore;
  safety: ActionSafety;
  now: () => number;
  timeoutMs: number;
}

export type RunResult =
  | { status: 'refused'; reason: string }
  | { status: 'dry-run'; request: { url: string; method: string; body: unknown } }
  | { status: 'executed'; httpStatus: number; recommendation: Recommendation }
  | { status: 'failed'; reason: string };

export class ActionRunner {
  constructor(private readonly deps: ActionRunnerDeps) {}

  async approve(tenant: string, rec: Recommendation, tokenName: string): Promise<void> {
    await this.deps.store.audit(tenant, { recommendationId: rec.id, at: this.deps.now(), step: 'approved', detail: 'approved through the API', tokenName });
  }

  async execute(tenant: string, rec: Recommendation, tokenName: string, dryRun: boolean): Promise<RunResult> {
    const trail = await this.deps.store.auditTrail(tenant);
    const approved = trail.some((r) => r.recommendationId === rec.id && r.step === 'approved');
    const now = this.deps.now();
    const recentExecutions = trail.filter((r) => r.step === 'executed').map((r) => r.at);
    const decision = decideAction({ recommendation: rec, approved, dryRun, recentExecutions, now }, this.deps.safety);
    const audit = (step: Parameters<RecommendationStore['audit']>[1]['step'], detail: string) =>
      this.deps.store.audit(tenant, { recommendationId: rec.id, at: this.deps.now(), step, detail, tokenName });
    await audit('requested', dryRun ? 'dry run requested' : 'execution requested');
    if (decision.kind === 'refuse') {
      await audit('refused', decision.reason);
      return { status: 'refused', reason: decision.reason };
    }
    const request = { url: decision.webhook.url, method: decision.webhook.method, body: decision.body };
    if (decision.kind === 'dry-run') {
      await audit('dry-run', `would ${request.method} ${request.url}`);
      return { status: 'dry-run', request };
    }
    try {
      const status = await this.call(request.url, request.method, request.body);
      if (status < 200 || status >= 300) throw new Error(`webhook answered HTTP ${status}`);
      const applied = markApplied(rec, this.deps.now());
      await this.deps.store.save(tenant, [applied]);
      await audit('executed', `${request.method} ${request.url} -> HTTP ${status}`);
      return { status: 'executed', httpStatus: status, recommendation: applied };
    } catch (error) {
      const reason = (error as Error).message;
      await audit('failed', `${request.method} ${request.url}: ${reason}`);
      return { status: 'failed', reason };
    }
  }

  /** Calls the rollback webhook of an executed action (same URL rules). */
  async rollback(tenant: string, rec: Recommendation, tokenName: string): Promise<RunResult> {
    const audit = (step: 'refused' | 'rolled-back' | 'failed', detail: string) =>
      this.deps.store.audit(tenant, { recommendationId: rec.id, at: this.deps.now(), step, detail, tokenName });
    const url = rec.webhook?.rollbackUrl;
    const executed = (await this.deps.store.auditTrail(tenant, rec.id)).some((r) => r.step === 'executed');
    const reason = !this.deps.safety.enabled
      ? 'action webhooks are disabled in the configuration'
      : !url
        ? `recommendation ${rec.id} has no rollback webhook`
        : !executed
          ? `recommendation ${rec.id} was never executed`
          : !urlAllowed(url, this.deps.safety)
            ? `rollback URL ${url} is not under an allowed prefix`
            : undefined;
    if (reason || !url) {
      await audit('refused', reason ?? 'no rollback webhook');
      return { status: 'refused', reason: reason ?? 'no rollback webhook' };
    }
    try {
      const status = await this.call(url, rec.webhook!.method, webhookBody(rec, true));
      if (status < 200 || status >= 300) throw new Error(`rollback webhook answered HTTP ${status}`);
      await audit('rolled-back', `${rec.webhook!.method} ${url} -> HTTP ${status}`);
      return { status: 'executed', httpStatus: status, recommendation: rec };
    } catch (error) {
      await audit('failed', `rollback ${url}: ${(error as Error).message}`);
      return { status: 'failed', reason: (error as Error).message };
    }
  }

  private async call(url: string, method: string, body: unknown): Promise<number> {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.deps.timeoutMs),
    });
    await response.arrayBuffer();
    return response.status;
  }
}
