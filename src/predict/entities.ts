import type { Labels, Sample, Series } from '../model/index.js';
import type { AlertPeriod } from './alerts.js';
import { entityAnomalyScore } from './anomaly-score.js';
import type { EntityHistory, Signal } from './features.js';

/**
 * From warehouse series to entity histories. Entities are hosts (named by their `instance` without the
 * port) and services (named by `service`, else `job`). A service also gets the CPU, memory and disk of
 * the host it runs on, found through its `up{job, instance}` series, because a leak or a full disk on
 * that host is what takes the service down.
 */
export interface SignalSource {
  dataset: string;
  signal: Signal;
  of: 'host' | 'service';
}

/** The datasets of the default pack (and the demo) that feed the predictor. */
export const DEFAULT_SIGNAL_SOURCES: readonly SignalSource[] = [
  { dataset: 'node_cpu_utilisation_ratio', signal: 'cpu', of: 'host' },
  { dataset: 'node_memory_used_ratio', signal: 'memory', of: 'host' },
  { dataset: 'node_filesystem_used_ratio', signal: 'disk', of: 'host' },
  { dataset: 'process_resident_memory_bytes', signal: 'processMemory', of: 'service' },
  { dataset: 'http_requests_per_second', signal: 'requestRate', of: 'service' },
  { dataset: 'http_error_ratio', signal: 'errorRatio', of: 'service' },
  { dataset: 'http_request_duration_p95_seconds', signal: 'latencyP95', of: 'service' },
  { dataset: 'log_error_lines_per_second', signal: 'logErrorRate', of: 'service' },
  { dataset: 'trace_duration_p95_seconds', signal: 'traceLatencyP95', of: 'service' },
];

export function hostOf(instance: string): string {
  return instance.replace(/:\d+$/, '');
}

/** The entity an alert or a series belongs to: its service if it has one (and is not node_exporter), else its host. */
export function entityOf(labels: Labels): string | undefined {
  const service = labels['service'] ?? (labels['job'] !== 'node' ? labels['job'] : undefined);
  if (service) return service;
  return labels['instance'] ? hostOf(labels['instance']) : undefined;
}

/** Series of one signal of one entity merged into one: several (e.g. mountpoints) give the max per time. */
function mergeMax(list: readonly Series[]): Sample[] {
  const byTime = new Map<number, number>();
  for (const s of list) for (const p of s.samples) byTime.set(p.t, Math.max(byTime.get(p.t) ?? -Infinity, p.v));
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

export function entityHistories(
  seriesByDataset: Readonly<Record<string, readonly Series[]>>,
  sources: readonly SignalSource[] = DEFAULT_SIGNAL_SOURCES,
): EntityHistory[] {
  const grouped = new Map<string, Map<Signal, Series[]>>();
  const add = (entity: string, signal: Signal, s: Series) => {
    const signals = grouped.get(entity) ?? new Map<Signal, Series[]>();
    const list = signals.get(signal);
    if (list) list.push(s);
    else signals.set(signal, [s]);
    grouped.set(entity, signals);
  };
  for (const source of sources) {
    for (const s of seriesByDataset[source.dataset] ?? []) {
      const entity = source.of === 'host' ? s.labels['instance'] && hostOf(s.labels['instance']) : entityOf(s.labels);
      if (entity) add(entity, source.signal, s);
    }
  }
  const serviceHost = new Map<string, string>();
  for (const s of seriesByDataset['up'] ?? []) {
    const job = s.labels['job'];
    if (job && job !== 'node' && s.labels['instance']) serviceHost.set(job, hostOf(s.labels['instance']));
  }
  const histories: EntityHistory[] = [];
  for (const [entity, signals] of grouped) {
    const host = serviceHost.get(entity);
    const hostSignals = host ? grouped.get(host) : undefined;
    const merged: Partial<Record<Signal, Sample[]>> = {};
    for (const [signal, list] of hostSignals ?? []) merged[signal] = mergeMax(list);
    for (const [signal, list] of signals) merged[signal] = mergeMax(list);
    histories.push({ entity, signals: merged, anomalyScore: entityAnomalyScore(merged) });
  }
  return histories.sort((a, b) => a.entity.localeCompare(b.entity));
}

/** A Prometheus-style alerting rule replayed on sampled history: fires when `value op threshold` held for `forMs`. */
export interface ThresholdRule {
  alertname: string;
  severity: string;
  dataset: string;
  op: '>' | '<' | '==';
  threshold: number;
  forMs: number;
  /** Only series whose labels match these. */
  match?: Record<string, string>;
}

/**
 * The alert periods the rules would have produced on the series, one per series and firing, entity
 * from the series' labels, in `byStartAndEntity` order.
 */
export function replayThresholdRules(
  seriesByDataset: Readonly<Record<string, readonly Series[]>>,
  rules: readonly ThresholdRule[],
): AlertPeriod[] {
  return rules.flatMap((rule) => (seriesByDataset[rule.dataset] ?? []).flatMap((s) => replayThresholdRule(rule, s))).sort(byStartAndEntity);
}

/** The periods one rule would have produced on one series of its dataset (none when the labels do not match). */
export function replayThresholdRule(rule: ThresholdRule, s: Series): AlertPeriod[] {
  if (rule.match && !Object.entries(rule.match).every(([k, v]) => s.labels[k] === v)) return [];
  const entity = entityOf(s.labels);
  if (!entity) return [];
  const out: AlertPeriod[] = [];
  let pendingSince: number | undefined;
  let firingSince: number | undefined;
  const close = (at: number) => {
    if (firingSince !== undefined) out.push({ entity, alertname: rule.alertname, severity: rule.severity, startsAt: firingSince, endsAt: at });
    pendingSince = undefined;
    firingSince = undefined;
  };
  for (const p of s.samples) {
    const holds = rule.op === '>' ? p.v > rule.threshold : rule.op === '<' ? p.v < rule.threshold : p.v === rule.threshold;
    if (!holds) {
      close(p.t);
    } else {
      pendingSince ??= p.t;
      if (firingSince === undefined && p.t - pendingSince >= rule.forMs) firingSince = p.t;
    }
  }
  // Still firing at the end of the history: no end yet.
  if (firingSince !== undefined) out.push({ entity, alertname: rule.alertname, severity: rule.severity, startsAt: firingSince });
  return out;
}

/** The order of replayed periods: by start, then entity. */
export function byStartAndEntity(a: AlertPeriod, b: AlertPeriod): number {
  return a.startsAt - b.startsAt || a.entity.localeCompare(b.entity);
}

/**
 * The critical alerts the reference rules fire on the default datasets, for replaying on history when
 * there is no Alertmanager history (a new deployment, the demo, evaluation).
 */
export const DEFAULT_REPLAYED_RULES: readonly ThresholdRule[] = [
  { alertname: 'ServiceDown', severity: 'critical', dataset: 'up', op: '==', threshold: 0, forMs: 0 },
  { alertname: 'DiskAlmostFull', severity: 'critical', dataset: 'node_filesystem_used_ratio', op: '>', threshold: 0.95, forMs: 5 * 60_000 },
  { alertname: 'HighErrorRatio', severity: 'critical', dataset: 'http_error_ratio', op: '>', threshold: 0.1, forMs: 5 * 60_000 },
];
