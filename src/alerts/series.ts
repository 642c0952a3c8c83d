// Alert history as time series, so the BI query API and rollups treat alerts like any dataset:
// `alerts_firing` (alerts firing at each step) and `alerts_started` (alerts that started in each
// step), per alertname, service and severity.
import type { Series, TimeRange } from '../model/index.js';
import type { AlertInstance } from './analysis.js';

export const ALERT_DATASETS = { firing: 'alerts_firing', started: 'alerts_started' } as const;

/** The labels of the alert datasets' series. */
export const ALERT_DATASET_LABELS = ['alertname', 'service', 'severity'] as const;

/** Samples at the multiples of `stepMs` in [range.start, range.end); a series per label set with any alert. */
export function alertSeries(instances: readonly AlertInstance[], range: TimeRange, stepMs: number, now: number): { firing: Series[]; started: Series[] } {
  const first = Math.ceil(range.start / stepMs) * stepMs;
  const steps: number[] = [];
  for (let t = first; t < range.end; t += stepMs) steps.push(t);
  const groups = new Map<string, { labels: Record<string, string>; list: AlertInstance[] }>();
  for (const i of instances) {
    const labels = { alertname: i.alertname, service: i.service, severity: i.severity };
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, list: [] as AlertInstance[] };
    group.list.push(i);
    groups.set(key, group);
  }
  const firing: Series[] = [];
  const started: Series[] = [];
  for (const { labels, list } of groups.values()) {
    const f = steps.map((t) => ({ t, v: list.filter((i) => i.startsAtMs <= t && t < (i.endsAtMs ?? now + 1)).length }));
    const s = steps.map((t) => ({ t, v: list.filter((i) => i.startsAtMs >= t - stepMs && i.startsAtMs < t).length }));
    if (f.some((p) => p.v > 0)) firing.push({ labels, samples: f });
    if (s.some((p) => p.v > 0)) started.push({ labels, samples: s });
  }
  return { firing, started };
}
