// Rule groups as data: what a Prometheus rule file holds, and what promtool's unit-test file holds.
import type { Template } from './template.js';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  /** Prometheus duration; absent means the alert fires on the first evaluation that matches. */
  for?: string;
  labels: Record<string, Template>;
  annotations: Record<string, Template>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

/** One promtool test: input series over time and the alerts expected at given times. */
export interface RuleTest {
  name: string;
  interval: string;
  inputSeries: { series: string; values: string }[];
  alertTests: AlertTest[];
  /** PromQL checks (for recording rules): the samples an expression must return at evalTime. */
  exprTests?: { expr: string; evalTime: string; expSamples: { labels: string; value: number }[] }[];
}

export interface AlertTest {
  evalTime: string;
  alertname: string;
  /** Empty means the alert must not be firing at evalTime. */
  expAlerts: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** What each generator returns: its groups and the tests of every alerting rule in them. */
export interface GeneratedRules {
  groups: RuleGroup[];
  tests: RuleTest[];
}
