// Alert analytics from alert history: how often each rule fires, how long it stays firing, how fast it
// is resolved, whether it flaps, whether anyone acts on it, and whether it has a runbook.

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

/** Flaps per fingerprint: each instance that starts within the window after the previous one ended. */
function flapsOf(instances: AlertInstance[], windowMs: number): Set<AlertInstance> {
  const flapping = new Set<AlertInstance>();
  const byFingerprint = new Map<string, AlertInstance[]>();
  for (const i of instances) byFingerprint.set(i.fingerprint, [...(byFingerprint.get(i.fingerprint) ?? []), i]);
  for (const list of byFingerprint.values()) {
    list.sort((a, b) => a.startsAtMs - b.startsAtMs);
    for (let k = 1; k < list.length; k++) {
      const prevEnd = list[k - 1]!.endsAtMs;
      if (prevEnd !== null && list[k]!.startsAtMs >= prevEnd && list[k]!.startsAtMs - prevEnd <= windowMs) flapping.add(list[k]!);
    }
  }
  return flapping;
}

function stats(instances: AlertInstance[], flapping: Set<AlertInstance>, now: number, o: AnalysisOptions): AlertStats {
  let firingMs = 0;
  let resolved = 0;
  let resolveSum = 0;
  let withoutAction = 0;
  for (const i of instances) {
    const end = i.endsAtMs ?? now;
    firingMs += Math.max(0, end - i.startsAtMs);
    if (i.endsAtMs !== null) {
      resolved += 1;
      resolveSum += i.endsAtMs - i.startsAtMs;
      if (!i.silenced && i.endsAtMs - i.startsAtMs <= o.quickResolveMs) withoutAction += 1;
    }
  }
  return {
    count: instances.length,
    resolved,
    firingMs,
    mttrMs: resolved ? resolveSum / resolved : null,
    flaps: instances.filter((i) => flapping.has(i)).length,
    withoutAction,
    silenced: instances.filter((i) => i.silenced).length,
    inhibited: instances.filter((i) => i.inhibited).length,
    missingRunbook: instances.filter((i) => !i.hasRunbook).length,
  };
}

function groupBy(instances: AlertInstance[], key: (i: AlertInstance) => string, flapping: Set<AlertInstance>, now: number, o: AnalysisOptions): GroupStats[] {
  const groups = new Map<string, AlertInstance[]>();
  for (const i of instances) groups.set(key(i), [...(groups.get(key(i)) ?? []), i]);
  return [...groups.entries()]
    .map(([k, list]) => ({ key: k, ...stats(list, flapping, now, o) }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Analysis of the alerts that started in [from, to). Flaps look at every instance given (pass some
 * history before `from` so the first re-firing in the range is recognised).
 */
export function analyseAlerts(all: AlertInstance[], from: number, to: number, now: number, options: Partial<AnalysisOptions> = {}): AlertAnalysis {
  const o = { ...DEFAULT_ANALYSIS_OPTIONS, ...options };
  const flapping = flapsOf(all, o.flapWindowMs);
  const inRange = all.filter((i) => i.startsAtMs >= from && i.startsAtMs < to);
  const byRule = groupBy(inRange, (i) => i.alertname, flapping, now, o);
  return {
    from,
    to,
    total: stats(inRange, flapping, now, o),
    byRule,
    byService: groupBy(inRange, (i) => i.service, flapping, now, o),
    bySeverity: groupBy(inRange, (i) => i.severity, flapping, now, o),
    noisiest: byRule.slice(0, o.top).map((g) => ({ alertname: g.key, count: g.count })),
    rulesWithoutRunbook: byRule.filter((g) => g.missingRunbook > 0).map((g) => g.key).sort(),
    flappingRules: byRule.filter((g) => g.flaps > 0).map((g) => g.key).sort(),
  };
}
