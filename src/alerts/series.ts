// Alert history as time series, so the BI query API and rollups treat alerts like any dataset:
// `alerts_firing` (alerts firing at each step) and `alerts_started` (alerts that started in each
// step), per alertname, service and severity.
import type { Series, TimeRange } from '../model/index.js';
import type { AlertInstanceColumns } from './instance-columns.js';

export const ALERT_DATASETS = { firing: 'alerts_firing', started: 'alerts_started' } as const;

/** The labels of the alert datasets' series. */
export const ALERT_DATASET_LABELS = ['alertname', 'service', 'severity'] as const;

interface Counts {
  labels: Record<string, string>;
  /** +1 at the first step an instance fires, -1 at the first step it no longer does. */
  firingChanges: Int32Array;
  started: Int32Array;
}

/**
 * Samples at the multiples of `stepMs` in [range.start, range.end); a series per label set with any
 * alert. Linear in the instances plus the steps of each label set: each instance marks the step it
 * starts firing and the step it stops, and a running sum gives the firing count at every step.
 */
export function alertSeries(instances: AlertInstanceColumns, range: TimeRange, stepMs: number, now: number): { firing: Series[]; started: Series[] } {
  const first = Math.ceil(range.start / stepMs) * stepMs;
  const steps: number[] = [];
  for (let t = first; t < range.end; t += stepMs) steps.push(t);
  const n = steps.length;
  /** The index of the first step at or after `t`, within [0, n]. */
  const stepAtOrAfter = (t: number) => Math.min(n, Math.max(0, Math.ceil((t - first) / stepMs)));
  const { names, alertname, service, severity, startsAt, endsAt } = instances;
  const groups = new Map<string, Counts>();
  for (let i = 0; i < startsAt.length; i++) {
    const key = `${alertname[i]} ${service[i]} ${severity[i]}`;
    let counts = groups.get(key);
    if (!counts) {
      const labels = { alertname: names[alertname[i]!]!, service: names[service[i]!]!, severity: names[severity[i]!]! };
      groups.set(key, (counts = { labels, firingChanges: new Int32Array(n + 1), started: new Int32Array(n) }));
    }
    // Firing at step t when start <= t < end (still firing: up to now).
    const start = startsAt[i]!;
    const end = Number.isNaN(endsAt[i]!) ? now + 1 : endsAt[i]!;
    const from = stepAtOrAfter(start);
    const to = stepAtOrAfter(end);
    if (from < to) {
      counts.firingChanges[from]! += 1;
      counts.firingChanges[to]! -= 1;
    }
    // Started in the step before t: t - stepMs <= start < t, i.e. the first step after start.
    const k = Math.floor((start - first) / stepMs) + 1;
    if (k >= 0 && k < n) counts.started[k]! += 1;
  }
  const firing: Series[] = [];
  const started: Series[] = [];
  for (const { labels, firingChanges, started: starts } of groups.values()) {
    let active = 0;
    const f = steps.map((t, k) => ({ t, v: (active += firingChanges[k]!) }));
    const s = steps.map((t, k) => ({ t, v: starts[k]! }));
    if (f.some((p) => p.v > 0)) firing.push({ labels, samples: f });
    if (s.some((p) => p.v > 0)) started.push({ labels, samples: s });
  }
  return { firing, started };
}
