// Alert analytics from alert history: how often each rule fires, how long it stays firing, how fast it
// is resolved, whether it flaps, whether anyone acts on it, and whether it has a runbook.

import { groupIndices } from '../collections/index.js';

/** One firing of one alert (Alertmanager fingerprint + startsAt), as the history knows it. */
export interface AlertInstance {
  fingerprint: string;
  alertname: string;
  service: string;
  severity: string;
  startsAtMs: number;
  /** When it resolved; null while it is still firing. */
  endsAtMs: number | null;
  /** A person silenced it at some point: someone acted. */
  silenced: boolean;
  inhibited: boolean;
  hasRunbook: boolean;
}

export interface AnalysisOptions {
  /** An alert that re-fires within this time after resolving counts as a flap. */
  flapWindowMs: number;
  /** An alert resolved within this time, never silenced, "fired and resolved without action". */
  quickResolveMs: number;
  /** How many rules the noisiest list holds. */
  top: number;
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = { flapWindowMs: 30 * 60_000, quickResolveMs: 10 * 60_000, top: 10 };

export interface AlertStats {
  count: number;
  resolved: number;
  /** Total time firing, counting still-firing alerts up to `now`. */
  firingMs: number;
  /** Mean startsAt-to-endsAt of resolved alerts; null when none resolved. */
  mttrMs: number | null;
  /** Re-firings of the same alert within flapWindowMs of its previous resolution. */
  flaps: number;
  /** Resolved within quickResolveMs and never silenced. */
  withoutAction: number;
  silenced: number;
  inhibited: number;
  missingRunbook: number;
}

export interface GroupStats extends AlertStats {
  key: string;
}

export interface AlertAnalysis {
  from: number;
  to: number;
  total: AlertStats;
  byRule: GroupStats[];
  byService: GroupStats[];
  bySeverity: GroupStats[];
  /** Rules by count, most first (ties by name). */
  noisiest: { alertname: string; count: number }[];
  /** Rules that fire without a runbook_url annotation. */
  rulesWithoutRunbook: string[];
  /** Rules that flapped at least once. */
  flappingRules: string[];
}

/** Which instances flap: each one that starts within the window after the previous one of its fingerprint ended. */
function flapsOf(instances: readonly AlertInstance[], windowMs: number): Uint8Array {
  const flapping = new Uint8Array(instances.length);
  const { keys, starts, indices } = groupIndices(instances, (i) => i.fingerprint);
  for (let g = 0; g < keys.length; g++) {
    const list = indices.subarray(starts[g]!, starts[g + 1]!).sort((a, b) => instances[a]!.startsAtMs - instances[b]!.startsAtMs);
    for (let k = 1; k < list.length; k++) {
      const prevEnd = instances[list[k - 1]!]!.endsAtMs;
      const start = instances[list[k]!]!.startsAtMs;
      if (prevEnd !== null && start >= prevEnd && start - prevEnd <= windowMs) flapping[list[k]!] = 1;
    }
  }
  return flapping;
}

/** Running sums of one group's stats. */
class StatsSum {
  count = 0;
  resolved = 0;
  firingMs = 0;
  resolveSum = 0;
  flaps = 0;
  withoutAction = 0;
  silenced = 0;
  inhibited = 0;
  missingRunbook = 0;

  add(i: AlertInstance, flaps: boolean, now: number, o: AnalysisOptions): void {
    this.count += 1;
    this.firingMs += Math.max(0, (i.endsAtMs ?? now) - i.startsAtMs);
    if (i.endsAtMs !== null) {
      this.resolved += 1;
      this.resolveSum += i.endsAtMs - i.startsAtMs;
      if (!i.silenced && i.endsAtMs - i.startsAtMs <= o.quickResolveMs) this.withoutAction += 1;
    }
    if (flaps) this.flaps += 1;
    if (i.silenced) this.silenced += 1;
    if (i.inhibited) this.inhibited += 1;
    if (!i.hasRunbook) this.missingRunbook += 1;
  }

  stats(): AlertStats {
    const { count, resolved, firingMs, flaps, withoutAction, silenced, inhibited, missingRunbook } = this;
    return { count, resolved, firingMs, mttrMs: resolved ? this.resolveSum / resolved : null, flaps, withoutAction, silenced, inhibited, missingRunbook };
  }
}

function sumOf(groups: Map<string, StatsSum>, key: string): StatsSum {
  let sum = groups.get(key);
  if (!sum) groups.set(key, (sum = new StatsSum()));
  return sum;
}

function ranked(groups: Map<string, StatsSum>): GroupStats[] {
  return [...groups].map(([key, sum]) => ({ key, ...sum.stats() })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Analysis of the alerts that started in [from, to). Flaps look at every instance given (pass some
 * history before `from` so the first re-firing in the range is recognised).
 */
export function analyseAlerts(all: AlertInstance[], from: number, to: number, now: number, options: Partial<AnalysisOptions> = {}): AlertAnalysis {
  const o = { ...DEFAULT_ANALYSIS_OPTIONS, ...options };
  const flapping = flapsOf(all, o.flapWindowMs);
  // One pass, summing into each group: linear in the instances, with no list per group.
  const total = new StatsSum();
  const rules = new Map<string, StatsSum>();
  const services = new Map<string, StatsSum>();
  const severities = new Map<string, StatsSum>();
  for (let index = 0; index < all.length; index++) {
    const i = all[index]!;
    if (i.startsAtMs < from || i.startsAtMs >= to) continue;
    const flaps = flapping[index] === 1;
    total.add(i, flaps, now, o);
    sumOf(rules, i.alertname).add(i, flaps, now, o);
    sumOf(services, i.service).add(i, flaps, now, o);
    sumOf(severities, i.severity).add(i, flaps, now, o);
  }
  const byRule = ranked(rules);
  return {
    from,
    to,
    total: total.stats(),
    byRule,
    byService: ranked(services),
    bySeverity: ranked(severities),
    noisiest: byRule.slice(0, o.top).map((g) => ({ alertname: g.key, count: g.count })),
    rulesWithoutRunbook: byRule.filter((g) => g.missingRunbook > 0).map((g) => g.key).sort(),
    flappingRules: byRule.filter((g) => g.flaps > 0).map((g) => g.key).sort(),
  };
}
