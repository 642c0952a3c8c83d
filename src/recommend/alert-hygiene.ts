import { alertInstancesOf, type AlertInstance, type AlertInstanceColumns } from '../alerts/index.js';
import { groupBy } from '../collections/index.js';
import { formatDuration, promDuration } from './format.js';
import type { Candidate } from './types.js';

/**
 * Alert hygiene from the alert history: flapping rules (with the `keep_firing_for` and `for:` values that
 * would have removed the flaps, found by replaying the history), noisy rules nobody acts on, and rules
 * without a runbook.
 */
export interface RuleInfo {
  alertname: string;
  runbookUrl?: string;
}

/** One firing period of one alert series (one label set) of a rule. */
export interface FiringPeriod {
  alertname: string;
  /** Identity of the series within the rule (e.g. Alertmanager's fingerprint). */
  fingerprint: string;
  startsAt: number;
  endsAt: number;
  /** Someone silenced, acknowledged or acted on it. */
  actedOn: boolean;
}

export interface HygieneOptions {
  /** A re-fire within this time of the previous resolve is a flap. */
  flapGapMs: number;
  /** Flaps per series that make a rule flapping. */
  minFlaps: number;
  /** A firing shorter than this is a blip that `for:` can remove. */
  blipMs: number;
  /** Firings (over the history given) that make a rule noisy when nobody acted on any of them. */
  noisyFirings: number;
  verifyWithinMs: number;
}

export const DEFAULT_HYGIENE_OPTIONS: HygieneOptions = {
  flapGapMs: 15 * 60_000,
  minFlaps: 3,
  blipMs: 5 * 60_000,
  noisyFirings: 20,
  verifyWithinMs: 7 * 24 * 3_600_000,
};

/** Notifications (firing starts) a series would have sent with `keep_firing_for` and `for:` applied. */
export function replayFirings(periods: readonly FiringPeriod[], keepFiringForMs: number, forMs: number): number {
  let count = 0;
  let lastEnd = -Infinity;
  for (const p of [...periods].sort((a, b) => a.startsAt - b.startsAt)) {
    if (p.endsAt - p.startsAt < forMs) continue;
    if (p.startsAt + forMs > lastEnd + keepFiringForMs) count += 1;
    lastEnd = Math.max(lastEnd, p.endsAt);
  }
  return count;
}

function bySeries(periods: readonly FiringPeriod[]): FiringPeriod[][] {
  return [...groupBy(periods, (p) => p.fingerprint).values()].map((list) => list.sort((a, b) => a.startsAt - b.startsAt));
}

export function analyzeAlertHygiene(
  rules: readonly RuleInfo[],
  periods: readonly FiringPeriod[],
  overrides: Partial<HygieneOptions> = {},
): Candidate[] {
  const o = { ...DEFAULT_HYGIENE_OPTIONS, ...overrides };
  const out: Candidate[] = [];
  const byRule = groupBy(periods, (p) => p.alertname);
  for (const rule of rules) {
    const own = byRule.get(rule.alertname) ?? [];
    const series = bySeries(own);
    let flaps = 0;
    let worstGap = 0;
    let longestBlip = 0;
    for (const list of series) {
      let seriesFlaps = 0;
      list.forEach((p, i) => {
        const gap = i > 0 ? p.startsAt - list[i - 1]!.endsAt : Infinity;
        if (gap <= o.flapGapMs) {
          seriesFlaps += 1;
          worstGap = Math.max(worstGap, gap);
        }
        if (p.endsAt - p.startsAt < o.blipMs) longestBlip = Math.max(longestBlip, p.endsAt - p.startsAt);
      });
      if (seriesFlaps >= o.minFlaps) flaps += seriesFlaps;
    }
    if (flaps > 0) {
      const keep = Math.ceil((worstGap + 1) / 60_000) * 60_000;
      const forMs = Math.ceil((longestBlip + 1) / 60_000) * 60_000;
      const now = series.reduce((a, list) => a + replayFirings(list, 0, 0), 0);
      const withKeep = series.reduce((a, list) => a + replayFirings(list, keep, 0), 0);
      const withFor = longestBlip > 0 ? series.reduce((a, list) => a + replayFirings(list, 0, forMs), 0) : now;
      out.push({
        key: `alert-hygiene:flapping:${rule.alertname}`,
        kind: 'alert-hygiene',
        entity: rule.alertname,
        action: 'set-keep-firing-for',
        context: 'flapping',
        severity: 'warning',
        priority: 50,
        title: `${rule.alertname} flaps: set keep_firing_for: ${promDuration(keep)}`,
        explanation:
          `${rule.alertname} re-fired ${flaps} times within ${formatDuration(o.flapGapMs)} of resolving. ` +
          `keep_firing_for: ${promDuration(keep)} would have cut ${now} notifications to ${withKeep}` +
          (longestBlip > 0 ? `; for: ${promDuration(forMs)} would have cut them to ${withFor}.` : '.'),
        evidence: [
          { name: 'flaps', value: flaps },
          { name: 'notifications', value: now },
          { name: 'suggested keep_firing_for', value: promDuration(keep) },
          { name: 'notifications with keep_firing_for', value: withKeep },
          ...(longestBlip > 0
            ? [{ name: 'suggested for', value: promDuration(forMs) }, { name: 'notifications with for', value: withFor }]
            : []),
        ],
        verifyWithinMs: o.verifyWithinMs,
      });
    }
    if (own.length >= o.noisyFirings && own.every((p) => !p.actedOn)) {
      out.push({
        key: `alert-hygiene:noisy:${rule.alertname}`,
        kind: 'alert-hygiene',
        entity: rule.alertname,
        action: 'review-noisy-rule',
        context: 'noisy',
        severity: 'info',
        priority: 40,
        title: `${rule.alertname} fired ${own.length} times and nobody acted`,
        explanation: `${rule.alertname} fired ${own.length} times with no silence, acknowledgement or action: raise its threshold, lower its severity or delete it.`,
        evidence: [{ name: 'firings', value: own.length }, { name: 'acted on', value: 0 }],
        verifyWithinMs: o.verifyWithinMs,
      });
    }
    if (!rule.runbookUrl) {
      out.push({
        key: `alert-hygiene:runbook:${rule.alertname}`,
        kind: 'alert-hygiene',
        entity: rule.alertname,
        action: 'add-runbook',
        context: 'runbook',
        severity: 'info',
        priority: 20,
        title: `${rule.alertname} has no runbook`,
        explanation: `${rule.alertname} has no runbook_url annotation; whoever gets paged has nothing to start from.`,
        evidence: [{ name: 'firings', value: own.length }],
        verifyWithinMs: o.verifyWithinMs,
      });
    }
  }
  return out;
}

/** Each alert instance's firing period: one still firing counts up to `now`; a silenced one was acted on. */
function firingPeriodsOf(instances: readonly AlertInstance[], now: number): FiringPeriod[] {
  return instances.map((i) => ({ alertname: i.alertname, fingerprint: i.fingerprint, startsAt: i.startsAtMs, endsAt: i.endsAtMs ?? now, actedOn: i.silenced }));
}

/** analyzeAlertHygiene on the alert instances sent as columns (in a worker thread). */
export function analyzeAlertHygieneOnColumns(rules: readonly RuleInfo[], instances: AlertInstanceColumns, now: number): Candidate[] {
  return analyzeAlertHygiene(rules, firingPeriodsOf(alertInstancesOf(instances), now));
}
