// SLO burn-rate rules: multi-window, multi-burn-rate alerts from the Google SRE workbook (chapter 5),
// with Sloth's recording-rule names and labels so Sloth's Grafana dashboards work on them, and a
// minimum-traffic guard so a low-volume service cannot page on a single failed request.
import type { RunbookLinks } from './alert-kinds.js';
import { alertAnnotations, categoryLabel, expandAll } from './annotations.js';
import { checkLabelName, formatDuration, formatNumber, parseDuration, quoteString, renderSelector, RuleInputError, type Selector } from './promql.js';
import type { AlertTest, GeneratedRules, RecordingRule, RuleGroup, RuleTest } from './rule.js';
import { sampleLabels, selects } from './series-sample.js';
import { expandTemplate, text, type Template } from './template.js';
import { renderSeries } from './promql.js';

export interface SloSpec {
  /** Service the SLO belongs to (sloth_service). */
  service: string;
  /** Name of the SLO within the service (sloth_slo). */
  name: string;
  /** Objective in percent, e.g. 99.9. */
  objective: number;
  /** SLO period as a Prometheus duration, e.g. 30d or 28d. */
  period: string;
  /** Bad events and all events, as counters. */
  errors: Selector;
  total: Selector;
  /** Lower bound of events in an alert's long window before it may fire (the guard never goes below one failure's worth). */
  minEvents: number;
  alertName: string;
  pageSeverity: string;
  ticketSeverity: string;
  /** Extra labels on every rule of this SLO (owner, tier...). */
  labels: Record<string, string>;
}

/** One alert window pair: both windows must burn faster than `factor` times the budget. */
export interface BurnWindow {
  short: string;
  long: string;
  factor: number;
  severity: 'page' | 'ticket';
}

const DAY_MS = 86_400_000;
const WORKBOOK_PERIOD_MS = 30 * DAY_MS;
/** Workbook windows for 30 days and the share of the budget each pair may burn before alerting. */
const WORKBOOK: { shortMs: number; longMs: number; budgetShare: number; severity: 'page' | 'ticket' }[] = [
  { shortMs: 5 * 60_000, longMs: 3_600_000, budgetShare: 0.02, severity: 'page' },
  { shortMs: 30 * 60_000, longMs: 6 * 3_600_000, budgetShare: 0.05, severity: 'page' },
  { shortMs: 2 * 3_600_000, longMs: DAY_MS, budgetShare: 0.1, severity: 'ticket' },
  { shortMs: 6 * 3_600_000, longMs: 3 * DAY_MS, budgetShare: 0.1, severity: 'ticket' },
];
/** Below this a rate() window holds too few samples at common scrape intervals to be trusted. */
const MIN_WINDOW_MS = 5 * 60_000;

/**
 * The workbook's windows scaled to `periodMs` (for 30 days: 5m/1h at 14.4, 30m/6h at 6, 2h/1d at 3,
 * 6h/3d at 1). Scaling windows with the period keeps each pair's budget share, so factors stay the same.
 */
export function burnWindows(periodMs: number): BurnWindow[] {
  const scale = periodMs / WORKBOOK_PERIOD_MS;
  const scaled = (ms: number) => Math.max(MIN_WINDOW_MS, Math.round((ms * scale) / 60_000) * 60_000);
  return WORKBOOK.map((w) => {
    const longMs = scaled(w.longMs);
    return {
      short: formatDuration(scaled(w.shortMs)),
      long: formatDuration(longMs),
      factor: Number(((w.budgetShare * WORKBOOK_PERIOD_MS) / w.longMs).toPrecision(12)),
      severity: w.severity,
    };
  });
}

function errorBudget(spec: SloSpec, where: string): number {
  if (!(spec.objective > 0 && spec.objective < 100)) throw new RuleInputError(`${where}.objective: ${spec.objective} must be a percentage strictly between 0 and 100`);
  return Number(((100 - spec.objective) / 100).toPrecision(12));
}

/** Events needed in a window so that one bad event alone stays at or under the alert threshold. */
export function guardEvents(threshold: number, minEvents: number): number {
  return Math.max(minEvents, Math.ceil(1 / threshold - 1e-9));
}

export function sloId(spec: SloSpec): string {
  return `${spec.service}-${spec.name}`;
}

function sloLabels(spec: SloSpec): Record<string, string> {
  return { ...spec.labels, sloth_id: sloId(spec), sloth_service: spec.service, sloth_slo: spec.name };
}

function idSelector(spec: SloSpec, where: string): string {
  const l = sloLabels(spec);
  return `{sloth_id=${quoteString(l.sloth_id!, where)}, sloth_service=${quoteString(l.sloth_service!, where)}, sloth_slo=${quoteString(l.sloth_slo!, where)}}`;
}

function ratioRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

export function sloRules(specs: SloSpec[], runbook?: RunbookLinks): GeneratedRules {
  const groups: RuleGroup[] = [];
  const tests: RuleTest[] = [];
  const ids = new Set<string>();
  specs.forEach((spec, i) => {
    const where = `rules.slos[${i}]`;
    if (ids.has(sloId(spec))) throw new RuleInputError(`${where}: SLO id ${JSON.stringify(sloId(spec))} (service-name) is used twice`);
    ids.add(sloId(spec));
    for (const name of Object.keys(spec.labels)) {
      checkLabelName(name, `${where}.labels`);
      if (name.startsWith('sloth_')) throw new RuleInputError(`${where}.labels.${name}: labels starting with sloth_ are set by the generator`);
    }
    const generated = oneSlo(spec, where, runbook);
    groups.push(...generated.groups);
    tests.push(...generated.tests);
  });
  return { groups, tests };
}

function oneSlo(spec: SloSpec, where: string, runbook?: RunbookLinks): GeneratedRules {
  const periodMs = parseDuration(spec.period, `${where}.period`);
  const period = formatDuration(periodMs);
  const budget = errorBudget(spec, where);
  const windows = burnWindows(periodMs);
  const slowestPage = Math.min(...windows.filter((w) => w.severity === 'page').map((w) => w.factor));
  if (slowestPage * budget >= 1) {
    throw new RuleInputError(`${where}.objective: ${spec.objective}% leaves so much budget that a page could never fire (needs more than ${Number((100 - 100 / slowestPage).toFixed(3))}%)`);
  }
  const errors = renderSelector(spec.errors, `${where}.errors`);
  const total = renderSelector(spec.total, `${where}.total`);
  const labels = sloLabels(spec);
  const ids = idSelector(spec, where);
  const id = sloId(spec);

  const sliWindows = [...new Set(windows.flatMap((w) => [w.short, w.long]))].sort(
    (a, b) => parseDuration(a, where) - parseDuration(b, where),
  );
  const sli: RecordingRule[] = sliWindows.map((w) => ({
    record: ratioRecord(w),
    expr: `(sum(rate(${errors}[${w}])))\n/\n(sum(rate(${total}[${w}])))`,
    labels: { ...labels, sloth_window: w },
  }));
  const shortest = ratioRecord(sliWindows[0]!);
  sli.push({
    record: ratioRecord(period),
    expr: `sum_over_time(${shortest}${ids}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(${shortest}${ids}[${period}])`,
    labels: { ...labels, sloth_window: period },
  });

  const meta: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${formatNumber(spec.objective / 100, where)})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(${formatNumber(budget, where)})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${formatNumber(periodMs / DAY_MS, where)})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `${shortest}${ids}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${ids}`,
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `${ratioRecord(period)}${ids}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${ids}`,
      labels,
    },
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${ids}`, labels },
    { record: 'sloth_slo_info', expr: 'vector(1)', labels: { ...labels, sloth_mode: 'cli-gen-prom', sloth_spec: 'prometheus/v1', sloth_version: 'sextant' } },
  ];

  const pair = (w: BurnWindow): string => {
    const threshold = formatNumber(Number((w.factor * budget).toPrecision(12)), where);
    const guard = guardEvents(w.factor * budget, spec.minEvents);
    return (
      `(\n  (${ratioRecord(w.short)}${ids} > ${threshold})\n  and ignoring (sloth_window)\n  (${ratioRecord(w.long)}${ids} > ${threshold})\n` +
      `  and on ()\n  (sum(increase(${total}[${w.long}])) >= ${guard})\n)`
    );
  };
  const severities = { page: spec.pageSeverity, ticket: spec.ticketSeverity };
  const annotationsFor = (severity: 'page' | 'ticket') =>
    alertAnnotations(
      'slo-burn-rate',
      [`(${severity}) `, { label: 'sloth_service' }, ' ', { label: 'sloth_slo' }, ' SLO error budget burn rate is too fast.'],
      [`${spec.objective}% objective over ${period}: the error budget burns faster than the ${severity} windows allow.`],
      runbook,
    );
  const alerts = (['page', 'ticket'] as const).map((severity) => ({
    alert: spec.alertName,
    // `max without (sloth_window)` keeps one alert identity whichever window pair fires, so the alert
    // does not resolve and re-fire when the burn moves from the fast pair to the slow one.
    expr: `max without (sloth_window) (\n${windows
      .filter((w) => w.severity === severity)
      .map(pair)
      .join('\nor ignoring (sloth_window)\n')}\n)`,
    // sloth_id is in the expression's labels already; repeating it keeps two SLOs' alerts distinct rules.
    labels: { severity: text(severities[severity]), ...categoryLabel('slo-burn-rate'), sloth_severity: text(severity), sloth_id: text(id) } as Record<string, Template>,
    annotations: annotationsFor(severity),
  }));

  const groups: RuleGroup[] = [
    { name: `sloth-slo-sli-recordings-${id}`, rules: sli },
    { name: `sloth-slo-meta-recordings-${id}`, rules: meta },
    { name: `sloth-slo-alerts-${id}`, rules: alerts },
  ];
  return { groups, tests: sloTests(spec, where, budget, windows, alerts) };
}

/**
 * Two scenarios over two hours at one-minute steps: a burn high enough to fire every severity the
 * objective allows, and a trickle service whose single failure must not page.
 */
function sloTests(
  spec: SloSpec,
  where: string,
  budget: number,
  windows: BurnWindow[],
  alerts: { labels: Record<string, Template>; annotations: Record<string, Template> }[],
): RuleTest[] {
  const errLabels = sampleLabels(spec.errors, `${where}.errors`);
  const okLabels = sampleLabels(spec.total, `${where}.total`);
  if (selects(spec.errors, spec.total.metric, okLabels)) {
    throw new RuleInputError(`${where}: every series the total selector selects is also an error; the SLO can never be met`);
  }
  const errorsInTotal = selects(spec.total, spec.errors.metric, errLabels);
  const errSeries = renderSeries(spec.errors.metric, errLabels, `${where}.errors`);
  const okSeries = renderSeries(spec.total.metric, okLabels, `${where}.total`);

  // Fast burn: error ratio r everywhere, traffic high enough to pass every guard in every window.
  const ratio = Math.min(1, 20 * budget);
  const maxGuard = Math.max(...windows.map((w) => guardEvents(w.factor * budget, spec.minEvents)));
  const perMinute = Math.ceil((2 * maxGuard) / 60) + 100;
  const errPerMinute = Number((perMinute * ratio).toPrecision(12));
  const okPerMinute = errorsInTotal ? Number((perMinute - errPerMinute).toPrecision(12)) : perMinute;
  const firing = (['page', 'ticket'] as const).filter((severity) =>
    windows.some((w) => w.severity === severity && (errorsInTotal ? ratio : errPerMinute / okPerMinute) > w.factor * budget),
  );
  const base = sloLabels(spec);
  const expAlerts = firing.map((severity) => {
    const alert = alerts[severity === 'page' ? 0 : 1]!;
    const labels = { ...base, ...expandAll(alert.labels, base, expandTemplate) };
    return { labels, annotations: expandAll(alert.annotations, base, expandTemplate) };
  });
  const at = (evalTime: string, exp: AlertTest['expAlerts']): AlertTest => ({ evalTime, alertname: spec.alertName, expAlerts: exp });
  const fast: RuleTest = {
    name: `${sloId(spec)}: a fast burn fires ${firing.join(' and ') || 'nothing (the objective leaves too much budget)'}`,
    interval: '1m',
    inputSeries: [
      { series: errSeries, values: `0+${errPerMinute}x150` },
      { series: okSeries, values: `0+${okPerMinute}x150` },
    ],
    alertTests: [at('120m', expAlerts)],
  };
  // A trickle: one request every five minutes, one of them failing at 30m.
  const trickle: RuleTest = {
    name: `${sloId(spec)}: one failed request on a low-traffic service does not page`,
    interval: '1m',
    inputSeries: [
      { series: errSeries, values: '0x30 1x30' },
      { series: okSeries, values: '0+0.2x60' },
    ],
    alertTests: [at('33m', []), at('60m', [])],
  };
  return [fast, trickle];
}
