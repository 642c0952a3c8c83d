// Alerts on Sextant's own outputs: the anomaly score and the failure probability it exports.
import { formatNumber, parseDuration, renderSelector, renderSeries, RuleInputError } from './promql.js';
import type { RunbookLinks } from './alert-kinds.js';
import type { AlertingRule, GeneratedRules, RuleTest } from './rule.js';
import { sampleLabels } from './series-sample.js';
import { simpleAlert } from './simple-alert.js';

export const SCORE_METRICS = ['sextant_anomaly_score', 'sextant_failure_probability'] as const;

export interface ScoreAlertSpec {
  alert: string;
  metric: (typeof SCORE_METRICS)[number];
  /** Fires when the score stays above this (both scores are in [0, 1]). */
  above: number;
  for: string;
  severity: string;
  /** Equality filters, e.g. { service: "checkout" }. */
  filters: Record<string, string>;
}

export function scoreAlertRules(specs: ScoreAlertSpec[], runbook?: RunbookLinks): GeneratedRules {
  const rules: AlertingRule[] = [];
  const tests: RuleTest[] = [];
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    const where = `rules.scores[${i}]`;
    if (names.has(spec.alert)) throw new RuleInputError(`${where}.alert: ${JSON.stringify(spec.alert)} is used twice`);
    names.add(spec.alert);
    if (!(spec.above >= 0 && spec.above < 1)) throw new RuleInputError(`${where}.above: ${spec.above} must be in [0, 1)`);
    const selector = { metric: spec.metric, matchers: spec.filters };
    // An anomaly score carries its series' labels (a service here); a failure probability only Sextant's own.
    const labels = sampleLabels(selector, where, spec.metric === 'sextant_anomaly_score' ? { service: 'checkout' } : {});
    const series = renderSeries(spec.metric, labels, where);
    const evalMin = Math.ceil(parseDuration(spec.for, `${where}.for`) / 60_000) + 3;
    const what = spec.metric === 'sextant_anomaly_score' ? 'anomaly score' : 'failure probability';
    const generated = simpleAlert(
      {
        alert: spec.alert,
        kind: spec.metric === 'sextant_anomaly_score' ? 'anomaly-score' : 'failure-probability',
        expr: `${renderSelector(selector, where)} > ${formatNumber(spec.above, `${where}.above`)}`,
        for: spec.for,
        severity: spec.severity,
        summary: [`Sextant ${what} above ${spec.above} for ${spec.for}`],
        description: spec.metric === 'sextant_anomaly_score' ? ['dataset=', { label: 'sextant_dataset' }, ' detector=', { label: 'sextant_detector' }] : ['entity=', { label: 'entity' }, ' horizon=', { label: 'horizon' }],
        fire: { series: [{ series, values: `${(1 + spec.above) / 2}x${evalMin + 5}` }], evalTime: `${evalMin}m`, outputLabels: [labels] },
        quiet: { series: [{ series, values: `${spec.above / 2}x${evalMin + 5}` }], evalTime: `${evalMin}m` },
      },
      runbook,
    );
    rules.push(generated.rule);
    tests.push(...generated.tests);
  });
  return { groups: rules.length ? [{ name: 'sextant-scores', rules }] : [], tests };
}
