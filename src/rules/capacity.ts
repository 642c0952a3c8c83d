// Capacity alerts: a linear fit over a lookback window predicts the resource runs out within a horizon.
import type { RunbookLinks } from './alert-kinds.js';
import { formatNumber, parseDuration, renderSelector, renderSeries, type MatcherSpec } from './promql.js';
import type { AlertingRule, GeneratedRules, RuleTest } from './rule.js';
import { sampleLabels } from './series-sample.js';
import { simpleAlert } from './simple-alert.js';
import { PSEUDO_FILESYSTEMS } from './thresholds.js';

export interface CapacityForecast {
  lookback: string;
  horizon: string;
  for: string;
  severity: string;
}

export interface CapacitySpec {
  /** Equality filters for node_exporter series. */
  node: Record<string, string>;
  disk: CapacityForecast | null;
  memory: CapacityForecast | null;
}

const START = 1_000_000_000;

export function capacityRules(spec: CapacitySpec, runbook?: RunbookLinks): GeneratedRules {
  const w = 'rules.capacity';
  const host = sampleLabels({ metric: 'node_memory_MemAvailable_bytes', matchers: spec.node }, `${w}.node`, { instance: 'host-1:9100' });
  const targets = [
    {
      forecast: spec.disk,
      where: `${w}.disk`,
      alert: 'HostDiskWillFill',
      kind: 'disk-will-fill' as const,
      metric: 'node_filesystem_avail_bytes',
      extra: { fstype: { notRegex: PSEUDO_FILESYSTEMS } } as Record<string, MatcherSpec>,
      labels: { ...host, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' },
      what: 'filesystem',
    },
    {
      forecast: spec.memory,
      where: `${w}.memory`,
      alert: 'HostMemoryWillRunOut',
      kind: 'memory-will-run-out' as const,
      metric: 'node_memory_MemAvailable_bytes',
      extra: {} as Record<string, MatcherSpec>,
      labels: host,
      what: 'available memory',
    },
  ];
  const rules: AlertingRule[] = [];
  const tests: RuleTest[] = [];
  for (const t of targets) {
    if (!t.forecast) continue;
    const f = t.forecast;
    const horizonS = parseDuration(f.horizon, `${t.where}.horizon`) / 1000;
    parseDuration(f.lookback, `${t.where}.lookback`);
    const selector = renderSelector({ metric: t.metric, matchers: { ...spec.node, ...t.extra } }, t.where);
    const evalMin = Math.ceil(parseDuration(f.for, `${t.where}.for`) / 60_000) + 10;
    // Falling steadily so that from the first minutes on, the fit reaches zero within half the horizon.
    const perMinute = Math.ceil(START / (horizonS / 120));
    const series = renderSeries(t.metric, t.labels, t.where);
    const generated = simpleAlert(
      {
        alert: t.alert,
        kind: t.kind,
        expr: `predict_linear(${selector}[${f.lookback}], ${formatNumber(horizonS, t.where)}) < 0`,
        for: f.for,
        severity: f.severity,
        summary: [`${t.what} will run out within ${f.horizon} at the rate of the last ${f.lookback}`],
        description: ['on instance=', { label: 'instance' }],
        fire: { series: [{ series, values: `${START}-${perMinute}x${evalMin + 5}` }], evalTime: `${evalMin}m`, outputLabels: [t.labels] },
        quiet: { series: [{ series, values: `${START}x${evalMin + 5}` }], evalTime: `${evalMin}m` },
      },
      runbook,
    );
    rules.push(generated.rule);
    tests.push(...generated.tests);
  }
  return { groups: rules.length ? [{ name: 'sextant-capacity', rules }] : [], tests };
}
