// The classic static thresholds on node_exporter and RED metrics: CPU, memory, disk, error ratio, p99
// latency. Each level (e.g. CPU critical above 90 % for 5m) is its own alert with its own tests.
import type { AlertKind, RunbookLinks } from './alert-kinds.js';
import { formatNumber, parseDuration, renderSelector, renderSeries, RuleInputError, type Selector } from './promql.js';
import type { GeneratedRules, RuleTest, AlertingRule } from './rule.js';
import { sampleLabels } from './series-sample.js';
import { simpleAlert, type Scenario } from './simple-alert.js';

export interface ThresholdLevel {
  above: number;
  for: string;
  severity: string;
}

export interface HttpMetrics {
  /** Request counter with a status label. */
  requests: string;
  /** Latency histogram base name (the generator selects its `_bucket` series). */
  duration: string;
  statusLabel: string;
  /** Regex of statuses that count as errors. */
  errorStatus: string;
  /** Label that names the service; error ratio and latency are per value of it. */
  serviceLabel: string;
}

export interface ThresholdsSpec {
  /** Equality filters for node_exporter series, e.g. { job: "node" }. */
  node: Record<string, string>;
  /** Equality filters for the services' RED metrics. */
  http: Record<string, string>;
  httpMetrics: HttpMetrics;
  cpuPercent: ThresholdLevel[];
  memoryPercent: ThresholdLevel[];
  diskPercent: ThresholdLevel[];
  errorRatio: ThresholdLevel[];
  latencyP99Seconds: ThresholdLevel[];
}

/** Filesystems that are not disks: excluded from disk alerts. */
export const PSEUDO_FILESYSTEMS = 'tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs';

function minutes(duration: string, where: string): number {
  return Math.ceil(parseDuration(duration, where) / 60_000);
}

function titleCase(s: string): string {
  return s.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_, _sep: string, c: string) => c.toUpperCase());
}

function alertName(base: string, level: ThresholdLevel, where: string): string {
  const name = `${base}${titleCase(level.severity)}`;
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new RuleInputError(`${where}.severity: ${JSON.stringify(level.severity)} must be letters, digits and _ (it becomes part of the alert name)`);
  return name;
}

interface Family {
  key: keyof Omit<ThresholdsSpec, 'node' | 'http' | 'httpMetrics'>;
  kind: AlertKind;
  base: string;
  /** Largest meaningful threshold (100 for percentages, 1 for ratios, none for seconds). */
  max: number;
  expr: (threshold: string) => string;
  summary: string;
  scenario: (value: number, minutesLong: number, threshold: number) => Scenario['series'];
  outputLabels: Record<string, string>[];
}

export function thresholdRules(spec: ThresholdsSpec, runbook?: RunbookLinks): GeneratedRules {
  const w = 'rules.thresholds';
  const node = { metric: '', matchers: spec.node };
  const sel = (metric: string, extra: Selector['matchers'] = {}) =>
    renderSelector({ metric, matchers: { ...spec.node, ...extra } }, `${w}.node`);
  const host = { ...sampleLabels({ ...node, metric: 'node_cpu_seconds_total' }, `${w}.node`, { instance: 'host-1:9100' }) };
  const fs = { ...host, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
  const m = spec.httpMetrics;
  const svcSel = (metric: string, extra: Selector['matchers'] = {}) =>
    renderSelector({ metric, matchers: { ...spec.http, ...extra } }, `${w}.http`);
  const svc = { [m.serviceLabel]: 'checkout', ...spec.http };
  const errorStatus = sampleLabels({ metric: m.requests, matchers: { [m.statusLabel]: { regex: m.errorStatus } } }, `${w}.httpMetrics.errorStatus`)[m.statusLabel] ?? '';
  const series = (metric: string, labels: Record<string, string>, values: string) => ({ series: renderSeries(metric, labels, w), values });
  const by = m.serviceLabel;

  const families: Family[] = [
    {
      key: 'cpuPercent',
      kind: 'cpu-usage',
      base: 'HostCpuUsage',
      max: 100,
      expr: (t) => `100 * (1 - avg by (instance) (rate(${sel('node_cpu_seconds_total', { mode: 'idle' })}[5m]))) > ${t}`,
      summary: 'CPU usage is high',
      scenario: (busy, n) => [series('node_cpu_seconds_total', { ...host, cpu: '0', mode: 'idle' }, `0+${(60 * (100 - busy)) / 100}x${n}`)],
      outputLabels: [{ instance: host.instance! }],
    },
    {
      key: 'memoryPercent',
      kind: 'memory-usage',
      base: 'HostMemoryUsage',
      max: 100,
      expr: (t) => `100 * (1 - ${sel('node_memory_MemAvailable_bytes')} / ${sel('node_memory_MemTotal_bytes')}) > ${t}`,
      summary: 'memory usage is high',
      scenario: (used, n) => [
        series('node_memory_MemAvailable_bytes', host, `${1000 - used * 10}x${n}`),
        series('node_memory_MemTotal_bytes', host, `1000x${n}`),
      ],
      outputLabels: [host],
    },
    {
      key: 'diskPercent',
      kind: 'disk-usage',
      base: 'HostDiskUsage',
      max: 100,
      expr: (t) =>
        `100 * (1 - ${sel('node_filesystem_avail_bytes', { fstype: { notRegex: PSEUDO_FILESYSTEMS } })} / ${sel('node_filesystem_size_bytes', { fstype: { notRegex: PSEUDO_FILESYSTEMS } })}) > ${t}`,
      summary: 'disk usage is high',
      scenario: (used, n) => [
        series('node_filesystem_avail_bytes', fs, `${1000 - used * 10}x${n}`),
        series('node_filesystem_size_bytes', fs, `1000x${n}`),
      ],
      outputLabels: [fs],
    },
    {
      key: 'errorRatio',
      kind: 'error-ratio',
      base: 'ServiceErrorRatio',
      max: 1,
      expr: (t) =>
        `sum by (${by}) (rate(${svcSel(m.requests, { [m.statusLabel]: { regex: m.errorStatus } })}[5m]))\n/\nsum by (${by}) (rate(${svcSel(m.requests)}[5m]))\n> ${t}`,
      summary: 'error ratio is high',
      scenario: (ratio, n) => [
        series(m.requests, { ...svc, [m.statusLabel]: errorStatus }, `0+${100 * ratio}x${n}`),
        series(m.requests, { ...svc, [m.statusLabel]: okStatus(m) }, `0+${100 * (1 - ratio)}x${n}`),
      ],
      outputLabels: [{ [by]: svc[by]! }],
    },
    {
      key: 'latencyP99Seconds',
      kind: 'latency-p99',
      base: 'ServiceLatencyP99',
      max: Infinity,
      expr: (t) => `histogram_quantile(0.99, sum by (${by}, le) (rate(${svcSel(`${m.duration}_bucket`)}[5m]))) > ${t}`,
      summary: 'p99 latency is high',
      // Buckets at half and twice the threshold: a slow service's requests all land between them.
      scenario: (latency, n, threshold) => {
        const low = threshold / 2;
        const high = threshold * 2;
        const slow = latency > threshold;
        return [
          series(`${m.duration}_bucket`, { ...svc, le: String(low) }, `0+${slow ? 0 : 10}x${n}`),
          series(`${m.duration}_bucket`, { ...svc, le: String(high) }, `0+10x${n}`),
          series(`${m.duration}_bucket`, { ...svc, le: '+Inf' }, `0+10x${n}`),
        ];
      },
      outputLabels: [{ [by]: svc[by]! }],
    },
  ];

  const rules: AlertingRule[] = [];
  const tests: RuleTest[] = [];
  for (const family of families) {
    const names = new Set<string>();
    spec[family.key].forEach((level, i) => {
      const where = `${w}.${family.key}[${i}]`;
      if (!(level.above > 0 && level.above < family.max)) {
        throw new RuleInputError(`${where}.above: ${level.above} must be above 0${Number.isFinite(family.max) ? ` and below ${family.max}` : ''}`);
      }
      const name = alertName(family.base, level, where);
      if (names.has(name)) throw new RuleInputError(`${where}: two ${family.key} levels with severity ${JSON.stringify(level.severity)}`);
      names.add(name);
      const evalMinutes = 5 + minutes(level.for, `${where}.for`) + 2;
      const n = evalMinutes + 5;
      const fireValue = family.key === 'latencyP99Seconds' ? level.above * 1.5 : (level.above + family.max) / 2;
      const generated = simpleAlert(
        {
          alert: name,
          kind: family.kind,
          expr: family.expr(formatNumber(level.above, `${where}.above`)),
          for: level.for,
          severity: level.severity,
          summary: [`${family.summary} (above ${level.above} for ${level.for})`],
          description: describe(family.outputLabels[0]!),
          fire: { series: family.scenario(fireValue, n, level.above), evalTime: `${evalMinutes}m`, outputLabels: family.outputLabels },
          quiet: { series: family.scenario(level.above / 2, n, level.above), evalTime: `${evalMinutes}m` },
        },
        runbook,
      );
      rules.push(generated.rule);
      tests.push(...generated.tests);
    });
  }
  return { groups: rules.length ? [{ name: 'sextant-thresholds', rules }] : [], tests };
}

/** "on instance={{ $labels.instance }}"-style description naming the labels that identify the alert. */
function describe(labels: Record<string, string>) {
  const parts: (string | { label: string })[] = ['on'];
  for (const name of Object.keys(labels)) parts.push(` ${name}=`, { label: name });
  return parts;
}

function okStatus(m: HttpMetrics): string {
  const ok = ['200', '204', 'ok', 'success'].find((v) => !new RegExp(`^(?:${m.errorStatus})$`, 'u').test(v));
  if (!ok) throw new RuleInputError(`rules.thresholds.httpMetrics.errorStatus: ${JSON.stringify(m.errorStatus)} matches every usual success status`);
  return ok;
}
