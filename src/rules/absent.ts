// `absent()` alerts for every dataset Sextant reads: when an exporter or scrape job disappears, the
// analytics built on it go silent, and silence must page as loudly as a bad value.
import { equalityLabels, parseDuration, renderSelector, renderSeries, RuleInputError, type Selector } from './promql.js';
import type { AlertingRule, GeneratedRules } from './rule.js';
import { sampleLabels } from './series-sample.js';
import type { RunbookLinks } from './alert-kinds.js';
import { alertAnnotations, categoryLabel, expandAll } from './annotations.js';
import { expandTemplate, text, type Template } from './template.js';

export interface AbsentDataset {
  /** Dataset name as Sextant knows it (e.g. node_cpu). */
  name: string;
  selector: Selector;
}

export interface AbsentSpec {
  alert: string;
  for: string;
  severity: string;
  datasets: AbsentDataset[];
}

export function absentRules(spec: AbsentSpec, runbook?: RunbookLinks): GeneratedRules {
  if (spec.datasets.length === 0) return { groups: [], tests: [] };
  const names = new Set<string>();
  const rules: AlertingRule[] = spec.datasets.map((d, i) => {
    const where = `rules.absent.datasets[${i}]`;
    if (names.has(d.name)) throw new RuleInputError(`${where}.name: dataset ${JSON.stringify(d.name)} is listed twice`);
    names.add(d.name);
    return {
      alert: spec.alert,
      expr: `absent(${renderSelector(d.selector, `${where}.selector`)})`,
      for: spec.for,
      labels: { severity: text(spec.severity), ...categoryLabel('dataset-absent'), dataset: text(d.name) } as Record<string, Template>,
      annotations: alertAnnotations(
        'dataset-absent',
        [`no data for dataset ${d.name}`],
        [`Sextant reads this dataset; nothing matched the selector for ${spec.for}.`],
        runbook,
      ),
    };
  });
  const evalTime = `${Math.ceil(parseDuration(spec.for, 'rules.absent.for') / 60_000) + 5}m`;
  const present = spec.datasets.map((d, i) => ({
    series: renderSeries(d.selector.metric, sampleLabels(d.selector, `rules.absent.datasets[${i}].selector`), 'rules.absent'),
    values: '1x120',
  }));
  const expAlerts = spec.datasets.map((d, i) => {
    // absent() returns the selector's equality matchers as labels; an empty value is no label at all.
    const output = Object.fromEntries(Object.entries(equalityLabels(d.selector)).filter(([, v]) => v !== ''));
    const labels = { ...output, ...expandAll(rules[i]!.labels, output, expandTemplate) };
    return { labels, annotations: expandAll(rules[i]!.annotations, output, expandTemplate) };
  });
  return {
    groups: [{ name: 'sextant-absent-data', rules }],
    tests: [
      {
        name: `${spec.alert}: fires for every dataset when nothing is scraped`,
        interval: '1m',
        inputSeries: [{ series: 'sextant_test_unrelated{job="other"}', values: '1x120' }],
        alertTests: [{ evalTime, alertname: spec.alert, expAlerts }],
      },
      {
        name: `${spec.alert}: stays quiet while every dataset has data`,
        interval: '1m',
        inputSeries: present,
        alertTests: [{ evalTime, alertname: spec.alert, expAlerts: [] }],
      },
    ],
  };
}
