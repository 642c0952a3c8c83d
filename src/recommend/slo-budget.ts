import type { Sample } from '../model/index.js';
import { formatDuration, percent, round } from './format.js';
import type { Candidate } from './types.js';

export interface Slo {
  name: string;
  service: string;
  /** e.g. 0.999 */
  objective: number;
  windowMs: number;
}

/** Request and error counts per bucket (e.g. per 5 minutes), aligned by time. */
export interface SloTraffic {
  slo: Slo;
  requests: readonly Sample[];
  errors: readonly Sample[];
}

export interface SloRiskOptions {
  /** Burn rate is measured over this recent time. */
  burnWindowMs: number;
  /** Recommend when the budget is projected to run out within this time. */
  riskHorizonMs: number;
  verifyWithinMs: number;
}

export const DEFAULT_SLO_RISK_OPTIONS: SloRiskOptions = {
  burnWindowMs: 6 * 3_600_000,
  riskHorizonMs: 3 * 24 * 3_600_000,
  verifyWithinMs: 24 * 3_600_000,
};

function sumIn(samples: readonly Sample[], from: number, to: number): number {
  let sum = 0;
  for (const s of samples) if (s.t > from && s.t <= to && Number.isFinite(s.v)) sum += s.v;
  return sum;
}

/**
 * Error-budget risk: the budget left in the SLO window and the current burn rate (error ratio over the
 * burn window divided by the allowed error ratio) give the time until the budget is gone.
 */
export function analyzeSloBudget(traffic: readonly SloTraffic[], now: number, overrides: Partial<SloRiskOptions> = {}): Candidate[] {
  const o = { ...DEFAULT_SLO_RISK_OPTIONS, ...overrides };
  const out: Candidate[] = [];
  for (const { slo, requests, errors } of traffic) {
    const allowed = 1 - slo.objective;
    const total = sumIn(requests, now - slo.windowMs, now);
    const recentTotal = sumIn(requests, now - o.burnWindowMs, now);
    if (total === 0 || recentTotal === 0 || allowed <= 0) continue;
    const consumed = sumIn(errors, now - slo.windowMs, now) / total / allowed;
    const burnRate = sumIn(errors, now - o.burnWindowMs, now) / recentTotal / allowed;
    const remaining = 1 - consumed;
    // At burn rate b the whole budget lasts windowMs / b.
    const etaMs = remaining <= 0 ? 0 : burnRate > 0 ? (remaining * slo.windowMs) / burnRate : Infinity;
    if (burnRate <= 1 && remaining > 0) continue;
    if (etaMs > o.riskHorizonMs) continue;
    out.push({
      key: `slo-budget:${slo.name}`,
      kind: 'slo-budget',
      entity: slo.service,
      action: 'protect-error-budget',
      context: slo.name,
      severity: etaMs <= 24 * 3_600_000 ? 'critical' : 'warning',
      priority: Math.round(100 - (50 * etaMs) / o.riskHorizonMs),
      title: `${slo.name}: error budget gone in ${formatDuration(etaMs)}`,
      explanation:
        `${percent(Math.max(0, remaining))} of the error budget is left and the last ${formatDuration(o.burnWindowMs)} burned it ` +
        `${round(burnRate, 2)}x as fast as the objective allows: it runs out in ${formatDuration(etaMs)}. Freeze risky deploys or fix the errors.`,
      evidence: [
        { name: 'objective', value: slo.objective },
        { name: 'budget remaining', value: round(remaining, 4), unit: 'ratio' },
        { name: 'burn rate', value: round(burnRate, 3) },
        { name: 'time to exhaustion', value: Math.round(etaMs / 1000), unit: 's' },
      ],
      verifyWithinMs: o.verifyWithinMs,
    });
  }
  return out;
}
