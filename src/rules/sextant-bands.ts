// Sextant's own bands under the output contract of grafana/promql-anomaly-detection, as one more
// strategy beside its `adaptive` and `robust` ones: `anomaly:level`, `anomaly:upper_band` and
// `anomaly:lower_band` carrying `anomaly_strategy="sextant"`, `anomaly_select="1"` (so that project's
// own select rules never take them as input) and `anomaly_name` (the Sextant dataset), recorded from the
// gauges Sextant exports on /metrics; and that project's `AnomalyDetected` alert for this strategy.
// Its dashboards select by `anomaly_name`, `anomaly_strategy`, `job` and `instance`, so Prometheus
// must scrape Sextant with `honor_labels: true` for the series to keep their own `job` and `instance`.
//
// The contract's level is the line compared with the bands (the adaptive strategy's is the series
// itself), so it is recorded from `sextant_anomaly_value`, the scored value, and not from
// `sextant_anomaly_level`, Sextant's expected value, which lies inside its bands by construction.
import type { RunbookLinks } from './alert-kinds.js';
import { isValidMetricName, parseDuration, renderSeries, RuleInputError } from './promql.js';
import type { GeneratedRules, RecordingRule, RuleTest } from './rule.js';
import { simpleAlert } from './simple-alert.js';

export interface SextantBandsSpec {
  /** Datasets to publish; empty: every dataset Sextant scores. */
  datasets: string[];
  /** How long the level must stay outside its band (the contract's alert uses 5m). */
  for: string;
  severity: string;
}

const STRATEGY = 'sextant';

const SOURCES = [
  { record: 'anomaly:level', metric: 'sextant_anomaly_value' },
  { record: 'anomaly:upper_band', metric: 'sextant_anomaly_upper_band' },
  { record: 'anomaly:lower_band', metric: 'sextant_anomaly_lower_band' },
] as const;

const CONTRACT_LABELS = { anomaly_select: '1', anomaly_strategy: STRATEGY };

function datasetMatcher(datasets: string[], where: string): string {
  datasets.forEach((d, i) => {
    // Dataset names are Prometheus metric names: no character of theirs is special in a regex.
    if (!isValidMetricName(d)) throw new RuleInputError(`${where}.datasets[${i}]: ${JSON.stringify(d)} is not a dataset name (a Prometheus metric name)`);
  });
  return datasets.length === 0 ? '' : `, sextant_dataset=~"${datasets.join('|')}"`;
}

function recordingRules(spec: SextantBandsSpec, where: string): RecordingRule[] {
  const filter = datasetMatcher(spec.datasets, where);
  return SOURCES.map(({ record, metric }) => ({
    record,
    expr: `label_replace(${metric}{sextant_detector="ensemble"${filter}}, "anomaly_name", "$1", "sextant_dataset", "(.+)")`,
    labels: CONTRACT_LABELS,
  }));
}

export function sextantBandRules(spec: SextantBandsSpec, runbook?: RunbookLinks): GeneratedRules {
  const where = 'rules.sextantBands';
  const sample = spec.datasets[0] ?? 'node_cpu_utilisation_ratio';
  const exported = (instance: string) => ({
    instance,
    job: 'node',
    sextant_dataset: sample,
    sextant_detector: 'ensemble',
    sextant_metric: sample,
    sextant_tenant: 'default',
  });
  const contract = (instance: string) => ({ ...exported(instance), ...CONTRACT_LABELS, anomaly_name: sample });
  const selected = `{anomaly_strategy="${STRATEGY}"}`;
  const last = (record: string) => `last_over_time(${record}${selected}[2m])`;
  const evalMinutes = Math.ceil(parseDuration(spec.for, `${where}.for`) / 60_000) + 10;
  const steps = evalMinutes + 5;
  // A series whose band is [5, 15] and whose value is given per minute.
  const input = (instance: string, values: string) => [
    { series: renderSeries('sextant_anomaly_value', exported(instance), where), values },
    { series: renderSeries('sextant_anomaly_upper_band', exported(instance), where), values: `15x${steps}` },
    { series: renderSeries('sextant_anomaly_lower_band', exported(instance), where), values: `5x${steps}` },
  ];
  const alert = simpleAlert(
    {
      alert: 'AnomalyDetected',
      kind: 'anomaly-band',
      expr: `${last('anomaly:level')} < ${last('anomaly:lower_band')}\nor\n${last('anomaly:level')} > ${last('anomaly:upper_band')}`,
      for: spec.for,
      severity: spec.severity,
      extraLabels: { anomaly_strategy: STRATEGY },
      summary: ['Anomaly: ', { label: 'anomaly_name' }, ` outside Sextant's band for ${spec.for}`],
      description: ['dataset=', { label: 'sextant_dataset' }, ' job=', { label: 'job' }, ' instance=', { label: 'instance' }],
      // After 5 minutes one series leaves its band upwards, one downwards, and one stays inside.
      fire: {
        series: [...input('host-1:9100', `10x5 30x${evalMinutes}`), ...input('host-2:9100', `10x5 1x${evalMinutes}`), ...input('host-3:9100', `10x${steps}`)],
        evalTime: `${evalMinutes}m`,
        outputLabels: [contract('host-1:9100'), contract('host-2:9100')],
      },
      quiet: { series: input('host-1:9100', `10x${steps}`), evalTime: `${evalMinutes}m` },
    },
    runbook,
  );
  const value = (record: string, v: number) => ({ labels: renderSeries(record, contract('host-1:9100'), where), value: v });
  const names: RuleTest = {
    name: 'sextant bands: the anomaly: contract names and labels',
    interval: '1m',
    inputSeries: input('host-1:9100', '10x20'),
    alertTests: [],
    exprTests: [
      { expr: `anomaly:level${selected}`, evalTime: '10m', expSamples: [value('anomaly:level', 10)] },
      { expr: `anomaly:upper_band${selected}`, evalTime: '10m', expSamples: [value('anomaly:upper_band', 15)] },
      { expr: `anomaly:lower_band${selected}`, evalTime: '10m', expSamples: [value('anomaly:lower_band', 5)] },
    ],
  };
  return {
    groups: [
      { name: 'AnomalySextant', rules: recordingRules(spec, where) },
      { name: 'AnomalySextantAlerts', rules: [alert.rule] },
    ],
    tests: [names, ...alert.tests],
  };
}
