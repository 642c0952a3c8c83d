// Incidents as data. Each kind recurs once per cycle anchored to the Unix epoch, at an offset that
// moves a little from one cycle to the next, so any window of `cycle + longest incident` holds a
// complete occurrence of every kind, and consumers (alerts, logs, traces, prediction) can ask which
// incidents fall in any range without state. Two kinds bring a companion incident, as their real
// counterparts do: a memory leak ends in an OOM restart, and an error burst (a dependency going down)
// is preceded by that dependency slowing down, the precursor a failure predictor can learn.
import type { Labels, TimeRange } from '../model/index.js';
import { hashString, uniform } from './random.js';

export type IncidentKind =
  | 'memory_leak'
  | 'oom_restart'
  | 'disk_fill'
  | 'latency_regression'
  | 'dependency_slowdown'
  | 'error_burst'
  | 'flapping';
export type IncidentSeverity = 'warning' | 'critical';

export interface Incident {
  /** Stable identity: the same incident regenerated later has the same id. */
  id: string;
  kind: IncidentKind;
  /** Service (its `job`) or host name the incident happens on. */
  entity: string;
  /** Labels selecting the affected series (a subset of their labels). */
  labels: Labels;
  /** Demo metrics (dataset names) in which the incident shows. */
  metrics: string[];
  /** Half-open [start, end) in Unix ms. */
  start: number;
  end: number;
  severity: IncidentSeverity;
  description: string;
}

/** Where and how long one kind happens in every cycle. */
export interface IncidentPlan {
  kind: Exclude<IncidentKind, 'oom_restart' | 'dependency_slowdown'>;
  entity: string;
  labels: Labels;
  metrics: string[];
  severity: IncidentSeverity;
  description: string;
  durationMs: number;
  /** Earliest offset in the cycle; the actual offset adds up to `slackMs`, drawn per cycle. */
  slotStartMs: number;
  slackMs: number;
}

/** How long the OOM-killed process stays down after its memory leak ends. */
export const OOM_RESTART_MS = 3 * 60_000;

/** How long a dependency slows down before it goes down and the error burst starts. */
export const DEPENDENCY_SLOWDOWN_MS = 45 * 60_000;

/** Time a plan's incidents take before its own start (its precursor) and after its end (its aftermath). */
export function companionMs(kind: IncidentPlan['kind']): { beforeMs: number; afterMs: number } {
  return { beforeMs: kind === 'error_burst' ? DEPENDENCY_SLOWDOWN_MS : 0, afterMs: kind === 'memory_leak' ? OOM_RESTART_MS : 0 };
}

/** The incidents of `plans` that overlap `range`, sorted by start. */
export function incidentsIn(seed: number, cycleMs: number, plans: readonly IncidentPlan[], range: TimeRange): Incident[] {
  const longest = Math.max(0, ...plans.map((p) => p.slotStartMs + p.slackMs + companionMs(p.kind).beforeMs + p.durationMs + companionMs(p.kind).afterMs));
  const firstCycle = Math.floor((range.start - longest) / cycleMs);
  const lastCycle = Math.floor(range.end / cycleMs);
  const found: Incident[] = [];
  for (let cycle = firstCycle; cycle <= lastCycle; cycle += 1) {
    for (const plan of plans) {
      for (const incident of occurrence(seed, cycleMs, plan, cycle)) {
        if (incident.start < range.end && incident.end > range.start) found.push(incident);
      }
    }
  }
  return found.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
}

function occurrence(seed: number, cycleMs: number, plan: IncidentPlan, cycle: number): Incident[] {
  const jitter = uniform(seed, hashString(`incident/${plan.kind}`), cycle) * plan.slackMs;
  // Whole minutes, so incident boundaries fall on the demo's 1-minute grid.
  const start = Math.round((cycle * cycleMs + plan.slotStartMs + companionMs(plan.kind).beforeMs + jitter) / 60_000) * 60_000;
  const end = start + plan.durationMs;
  const base = {
    kind: plan.kind,
    entity: plan.entity,
    labels: plan.labels,
    metrics: plan.metrics,
    severity: plan.severity,
    description: plan.description,
  };
  const incident: Incident = { id: `${plan.kind}/${plan.entity}/${start}`, ...base, start, end };
  if (plan.kind === 'error_burst') {
    const slowdown: Incident = {
      ...base,
      id: `dependency_slowdown/${plan.entity}/${start - DEPENDENCY_SLOWDOWN_MS}`,
      kind: 'dependency_slowdown',
      metrics: ['http_request_duration_p95_seconds', 'http_request_duration_p99_seconds', 'http_error_ratio'],
      severity: 'warning',
      description: `a dependency of ${plan.entity} slows down: its latency climbs and a few requests time out`,
      start: start - DEPENDENCY_SLOWDOWN_MS,
      end: start,
    };
    return [slowdown, incident];
  }
  if (plan.kind !== 'memory_leak') return [incident];
  const restart: Incident = {
    ...base,
    id: `oom_restart/${plan.entity}/${end}`,
    kind: 'oom_restart',
    metrics: ['up', 'process_resident_memory_bytes', 'http_requests_per_second', 'http_error_ratio'],
    severity: 'critical',
    description: `${plan.entity} is OOM-killed at its memory limit and restarts`,
    start: end,
    end: end + OOM_RESTART_MS,
  };
  return [incident, restart];
}
