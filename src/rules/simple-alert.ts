// Most generated alerts are "expression holds for a while": one rule, a scenario that must fire it and
// one that must not. This builds both from one description so the rule and its test cannot drift apart.
import type { AlertKind, RunbookLinks } from './alert-kinds.js';
import { alertAnnotations, categoryLabel, expandAll } from './annotations.js';
import type { AlertingRule, RuleTest } from './rule.js';
import { expandTemplate, text, type Template } from './template.js';

export interface Scenario {
  series: { series: string; values: string }[];
  evalTime: string;
}

export interface SimpleAlert {
  alert: string;
  /** Which runbook it links and which category it is routed by. */
  kind: AlertKind;
  expr: string;
  for: string;
  severity: string;
  summary: Template;
  description: Template;
  extraLabels?: Record<string, string>;
  /** Input that must fire the alert, and the label sets the expression yields for it. */
  fire: Scenario & { outputLabels: Record<string, string>[] };
  /** Input that must not fire it. */
  quiet: Scenario;
}

export function simpleAlert(a: SimpleAlert, runbook: RunbookLinks | undefined): { rule: AlertingRule; tests: RuleTest[] } {
  const labels: Record<string, Template> = { severity: text(a.severity), ...categoryLabel(a.kind) };
  for (const [k, v] of Object.entries(a.extraLabels ?? {})) labels[k] = text(v);
  const annotations = alertAnnotations(a.kind, a.summary, a.description, runbook);
  const rule: AlertingRule = { alert: a.alert, expr: a.expr, for: a.for, labels, annotations };
  const expAlerts = a.fire.outputLabels.map((output) => {
    const all = { ...output, ...expandAll(labels, output, expandTemplate) };
    // Templates see the expression's labels, not the rule's own.
    return { labels: all, annotations: expandAll(annotations, output, expandTemplate) };
  });
  const tests: RuleTest[] = [
    {
      name: `${a.alert}: fires`,
      interval: '1m',
      inputSeries: a.fire.series,
      alertTests: [{ evalTime: a.fire.evalTime, alertname: a.alert, expAlerts }],
    },
    {
      name: `${a.alert}: stays quiet`,
      interval: '1m',
      inputSeries: a.quiet.series,
      alertTests: [{ evalTime: a.quiet.evalTime, alertname: a.alert, expAlerts: [] }],
    },
  ];
  return { rule, tests };
}
