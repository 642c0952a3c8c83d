// Builds the report from the warehouse's plain tables: every number here comes from those rows, and
// the summary is worded from the same numbers, so the text never disagrees with the tables.
import { ALERT_DATASETS } from '../alerts/series.js';
import { groupBy } from '../collections/index.js';
import { fitSeasonal, forecastAt, timeToThreshold, DAILY } from '../forecast/index.js';
import type { Sample } from '../model/index.js';
import type { BarDatum, Cell, Report, ReportTable, SparkChart } from './report.js';
import type { AlertRow, IngestRow, ReportInput, ServiceMetricRow } from './tables.js';
import { notCompared, notComparedText } from './comparison.js';
import { METRICS } from './metrics.js';
import { countedUntil } from './period.js';
import { resolvedBy } from './resolved.js';
import { summarise } from './summary.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const CAPACITY_HORIZON_MS = 30 * DAY_MS;
export const ALL_SERVICES = 'all services';
export { METRICS } from './metrics.js';


/** Relative change from `previous` to `current`; null when there is no previous value to compare. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

function metricOf(rows: readonly ServiceMetricRow[], service: string, metric: string, period: 'current' | 'previous'): ServiceMetricRow | undefined {
  return rows.find((r) => r.service === service && r.metric === metric && r.period === period);
}

function meanOf(rows: readonly ServiceMetricRow[], service: string, metric: string, period: 'current' | 'previous'): number | null {
  return metricOf(rows, service, metric, period)?.mean ?? null;
}

/** Overall: availability and latency are sample-weighted means over services, request rate is a sum, error ratio is traffic-weighted. */
function overall(rows: readonly ServiceMetricRow[], services: readonly string[], period: 'current' | 'previous'): Record<string, number | null> {
  const weighted = (metric: string, weight: (s: string) => number): number | null => {
    let sum = 0;
    let total = 0;
    for (const s of services) {
      const row = metricOf(rows, s, metric, period);
      if (!row) continue;
      const w = weight(s);
      sum += row.mean * w;
      total += w;
    }
    return total > 0 ? sum / total : null;
  };
  const rates = services.map((s) => meanOf(rows, s, METRICS.rate, period)).filter((v): v is number => v !== null);
  return {
    availability: weighted(METRICS.up, (s) => metricOf(rows, s, METRICS.up, period)?.count ?? 0),
    rate: rates.length ? rates.reduce((a, b) => a + b, 0) : null,
    errors: weighted(METRICS.errors, (s) => meanOf(rows, s, METRICS.rate, period) ?? 0),
    p95: weighted(METRICS.p95, (s) => meanOf(rows, s, METRICS.rate, period) ?? 1),
    p99: weighted(METRICS.p99, (s) => meanOf(rows, s, METRICS.rate, period) ?? 1),
  };
}

/**
 * The services table's note on the comparison: "compared", one reason when every metric the report
 * holds is left out for it, else each left-out metric with its reason.
 */
function comparisonNote(skipped: ReadonlyMap<string, string>, present: ReadonlySet<string>): string {
  const reasons = new Set(skipped.values());
  if (!reasons.size) return 'compared';
  if (reasons.size === 1 && [...present].every((m) => m === METRICS.up || skipped.has(m))) return notComparedText([...reasons][0] as string);
  return [...skipped].map(([metric, reason]) => `${metric} ${notComparedText(reason)}`).join('; ');
}

function serviceTable(input: ReportInput, until: number): ReportTable {
  const skipped = notCompared(input, until);
  const note = comparisonNote(skipped, new Set(input.services.filter((r) => r.period === 'current').map((r) => r.metric)));
  // The previous period's rows of a metric that is not compared are left out, so no change is computed from them.
  const rows = input.services.filter((r) => r.period === 'current' || !skipped.has(r.metric));
  const services = [...new Set(rows.filter((r) => r.period === 'current').map((r) => r.service))].sort();
  const line = (service: string, cur: Record<string, number | null>, prev: Record<string, number | null>, objective: number | null): Record<string, Cell> => ({
    service,
    availability: cur.availability ?? null,
    objective,
    objective_met: cur.availability === null || cur.availability === undefined || objective === null ? null : cur.availability >= objective ? 'yes' : 'no',
    request_rate: cur.rate ?? null,
    request_rate_change: change(cur.rate ?? null, prev.rate ?? null),
    error_ratio: cur.errors ?? null,
    error_ratio_previous: prev.errors ?? null,
    p95: cur.p95 ?? null,
    p95_change: change(cur.p95 ?? null, prev.p95 ?? null),
    p99: cur.p99 ?? null,
    p99_change: change(cur.p99 ?? null, prev.p99 ?? null),
    previous_period: note,
  });
  const of = (s: string, period: 'current' | 'previous') => ({
    availability: meanOf(rows, s, METRICS.up, period),
    rate: meanOf(rows, s, METRICS.rate, period),
    errors: meanOf(rows, s, METRICS.errors, period),
    p95: meanOf(rows, s, METRICS.p95, period),
    p99: meanOf(rows, s, METRICS.p99, period),
  });
  const table = services.map((s) => line(s, of(s, 'current'), of(s, 'previous'), meanOf(rows, s, METRICS.up, 'current') === null ? null : objectiveOf(input, s)));
  if (services.length > 1) table.push(line(ALL_SERVICES, overall(rows, services, 'current'), overall(rows, services, 'previous'), null));
  return {
    name: 'services',
    title: 'Services: availability, traffic, errors and latency',
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'availability', label: 'Availability', kind: 'ratio', unit: '%' },
      { key: 'objective', label: 'Objective', kind: 'ratio', unit: '%' },
      { key: 'objective_met', label: 'Objective met', kind: 'text' },
      { key: 'request_rate', label: 'Request rate', kind: 'number', unit: 'req/s' },
      { key: 'request_rate_change', label: 'Request rate vs previous', kind: 'ratio', unit: '%' },
      { key: 'error_ratio', label: 'Error ratio', kind: 'ratio', unit: '%' },
      { key: 'error_ratio_previous', label: 'Error ratio, previous period', kind: 'ratio', unit: '%' },
      { key: 'p95', label: 'p95 latency', kind: 'number', unit: 's' },
      { key: 'p95_change', label: 'p95 vs previous', kind: 'ratio', unit: '%' },
      { key: 'p99', label: 'p99 latency', kind: 'number', unit: 's' },
      { key: 'p99_change', label: 'p99 vs previous', kind: 'ratio', unit: '%' },
      { key: 'previous_period', label: 'Previous period', kind: 'text' },
    ],
    rows: table,
    emptyText: 'No service metrics (up, request rate, errors, latency) were stored for this period.',
  };
}

export function objectiveOf(input: ReportInput, service: string): number {
  return input.objectives[service] ?? input.defaultObjective;
}

/** Time an alert spent firing in [start, until) (a still-firing alert counts up to `until`). */
export function firingMsInside(alert: AlertRow, start: number, until: number): number {
  const to = Math.min(alert.endsAt ?? until, until);
  return Math.max(0, to - Math.max(alert.startsAt, start));
}

function alertTable(input: ReportInput, until: number): ReportTable {
  const groups = groupBy(input.alerts, (a) => JSON.stringify([a.alertname, a.service, a.severity]));
  const rows = [...groups.values()].map((alerts) => {
    const resolved = resolvedBy(alerts, until);
    const first = alerts[0] as AlertRow;
    return {
      alertname: first.alertname,
      service: first.service,
      severity: first.severity,
      firings: alerts.length,
      still_firing: alerts.length - resolved.length,
      firing_hours: alerts.reduce((sum, a) => sum + firingMsInside(a, input.range.start, until), 0) / HOUR_MS,
      mttr_minutes: resolved.length ? resolved.reduce((sum, a) => sum + ((a.endsAt as number) - a.startsAt), 0) / resolved.length / 60_000 : null,
    };
  });
  rows.sort((a, b) => b.firings - a.firings || b.firing_hours - a.firing_hours || a.alertname.localeCompare(b.alertname));
  return {
    name: 'alert_rules',
    title: 'Alerts by rule (noisiest first)',
    columns: [
      { key: 'alertname', label: 'Rule', kind: 'text' },
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'severity', label: 'Severity', kind: 'text' },
      { key: 'firings', label: 'Firings', kind: 'number', unit: 'count' },
      { key: 'still_firing', label: 'Still firing at the end', kind: 'number', unit: 'count' },
      { key: 'firing_hours', label: 'Time firing', kind: 'number', unit: 'h' },
      { key: 'mttr_minutes', label: 'MTTR', kind: 'number', unit: 'min' },
    ],
    rows,
    emptyText: 'No alert fired in this period.',
  };
}

function anomalyTable(input: ReportInput): ReportTable {
  return {
    name: 'anomalies',
    title: 'Top anomalies',
    columns: [
      { key: 'dataset', label: 'Dataset', kind: 'text' },
      { key: 'series', label: 'Series', kind: 'text' },
      { key: 'start', label: 'Start', kind: 'time', unit: 'UTC' },
      { key: 'end', label: 'End', kind: 'time', unit: 'UTC' },
      { key: 'peak_score', label: 'Peak score', kind: 'number', unit: '0-1' },
      { key: 'severity', label: 'Severity', kind: 'text' },
      { key: 'detector', label: 'Detector', kind: 'text' },
      { key: 'value', label: 'Value', kind: 'number' },
      { key: 'expected', label: 'Expected', kind: 'number' },
    ],
    rows: input.anomalies.map((a) => ({
      dataset: a.dataset,
      series: a.seriesKey,
      start: a.startMs,
      end: a.endMs,
      peak_score: a.peakScore,
      severity: a.severity,
      detector: a.detector,
      value: a.value,
      expected: a.expected,
    })),
    emptyText: 'No anomaly was detected in this period.',
  };
}

interface CapacityForecast {
  dataset: string;
  entity: string;
  current: number;
  trendPerDay: number;
  fillsAt: number | null;
  chart: SparkChart;
}

function capacityForecasts(input: ReportInput, until: number): CapacityForecast[] {
  const out: CapacityForecast[] = [];
  for (const c of input.capacity) {
    const last = c.samples[c.samples.length - 1];
    const fit = fitSeasonal(c.samples, { ...DAILY, trendWindowMs: 3 * DAY_MS });
    if (!last || !fit) continue;
    const from = until;
    const crossing = timeToThreshold(fit, from, { threshold: input.capacityThreshold, maxHorizonMs: CAPACITY_HORIZON_MS, stepMs: HOUR_MS });
    const forecast: Sample[] = [];
    const to = crossing ? crossing.at : from + 7 * DAY_MS;
    for (let t = from; t <= to; t += Math.max(HOUR_MS, Math.floor((to - from) / 48))) forecast.push({ t, v: forecastAt(fit, t) });
    out.push({
      dataset: c.dataset,
      entity: c.entity,
      current: last.v,
      trendPerDay: fit.trend.slopePerMs * DAY_MS,
      fillsAt: crossing ? crossing.at : null,
      chart: { title: `${c.dataset} ${c.entity}`, samples: c.samples, forecast, threshold: input.capacityThreshold },
    });
  }
  out.sort((a, b) => (a.fillsAt ?? Infinity) - (b.fillsAt ?? Infinity) || b.current - a.current);
  return out;
}

function capacityTable(forecasts: readonly CapacityForecast[], input: ReportInput, until: number): ReportTable {
  return {
    name: 'capacity',
    title: `Capacity forecasts (threshold ${Math.round(input.capacityThreshold * 100)}%, next 30 days)`,
    columns: [
      { key: 'dataset', label: 'Resource', kind: 'text' },
      { key: 'entity', label: 'Instance', kind: 'text' },
      { key: 'current', label: 'Last value', kind: 'ratio', unit: '%' },
      { key: 'trend_per_day', label: 'Trend per day', kind: 'ratio', unit: '%' },
      { key: 'fills_at', label: 'Reaches threshold at', kind: 'time', unit: 'UTC' },
      { key: 'days_left', label: 'Days left', kind: 'number', unit: 'd' },
    ],
    rows: forecasts.map((f) => ({
      dataset: f.dataset,
      entity: f.entity,
      current: f.current,
      trend_per_day: f.trendPerDay,
      fills_at: f.fillsAt,
      days_left: f.fillsAt === null ? null : (f.fillsAt - until) / DAY_MS,
    })),
    emptyText: 'No capacity series (memory, filesystem) was stored for this period.',
  };
}

function riskTable(input: ReportInput): ReportTable {
  const rows = [...input.risk].sort((a, b) => b.maxProbability - a.maxProbability);
  return {
    name: 'failure_risk',
    title: 'Failure risk',
    columns: [
      { key: 'entity', label: 'Entity', kind: 'text' },
      { key: 'horizon_minutes', label: 'Horizon', kind: 'number', unit: 'min' },
      { key: 'max_probability', label: 'Highest probability', kind: 'ratio', unit: '%' },
      { key: 'last_probability', label: 'Last probability', kind: 'ratio', unit: '%' },
      { key: 'last_at', label: 'Last prediction', kind: 'time', unit: 'UTC' },
    ],
    rows: rows.map((r) => ({ entity: r.entity, horizon_minutes: r.horizonMs / 60_000, max_probability: r.maxProbability, last_probability: r.lastProbability, last_at: r.lastAt })),
    emptyText: 'No failure prediction was made in this period.',
  };
}

function recommendationTable(input: ReportInput): ReportTable {
  return {
    name: 'recommendations',
    title: 'Recommendations and their outcomes',
    columns: [
      { key: 'title', label: 'Recommendation', kind: 'text' },
      { key: 'kind', label: 'Kind', kind: 'text' },
      { key: 'entity', label: 'Entity', kind: 'text' },
      { key: 'severity', label: 'Severity', kind: 'text' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'created_at', label: 'Created', kind: 'time', unit: 'UTC' },
      { key: 'applied_at', label: 'Applied', kind: 'time', unit: 'UTC' },
      { key: 'outcome', label: 'Outcome', kind: 'text' },
    ],
    rows: input.recommendations.map((r) => ({
      title: r.title,
      kind: r.kind,
      entity: r.entity,
      severity: r.severity,
      status: r.status,
      created_at: r.createdAt,
      applied_at: r.appliedAt ?? null,
      outcome: r.outcome ?? (r.status === 'applied' ? 'pending' : null),
    })),
    emptyText: 'No recommendation was open or applied in this period.',
  };
}

const hourOf = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS;

/** Datasets of events, written only around the times an alert fires or starts: an hour without them is no gap. */
const EVENT_DATASETS: ReadonlySet<string> = new Set(Object.values(ALERT_DATASETS));

/**
 * The hours of a period starting at `start` in which a dataset should have samples: the complete hours
 * before `until` (never the hour still running, nor the future), from the hour of its first sample on
 * (a dataset with none yet is expected all along); none for a dataset of events (the alert datasets).
 * As [from, to), hour-aligned; empty when from >= to.
 */
export function expectedHours(row: IngestRow, start: number, until: number): { from: number; to: number } {
  const to = hourOf(until);
  if (EVENT_DATASETS.has(row.dataset)) return { from: to, to };
  return { from: Math.max(hourOf(start), row.firstSampleAt === null ? -Infinity : hourOf(row.firstSampleAt)), to };
}

/** Expected hours (see expectedHours) without any sample, merged into spans. */
export function gapsOf(row: IngestRow, start: number, until: number): { start: number; end: number }[] {
  const covered = new Set(row.coveredHours);
  const gaps: { start: number; end: number }[] = [];
  const { from, to } = expectedHours(row, start, until);
  for (let h = from; h < to; h += HOUR_MS) {
    if (covered.has(h)) continue;
    const last = gaps[gaps.length - 1];
    if (last && last.end === h) last.end = h + HOUR_MS;
    else gaps.push({ start: h, end: h + HOUR_MS });
  }
  return gaps;
}

function ingestTable(input: ReportInput, until: number): ReportTable {
  return {
    name: 'ingest',
    title: 'Ingest health',
    columns: [
      { key: 'dataset', label: 'Dataset', kind: 'text' },
      { key: 'runs', label: 'Runs', kind: 'number', unit: 'count' },
      { key: 'failed_runs', label: 'Failed runs', kind: 'number', unit: 'count' },
      { key: 'rows', label: 'Rows written', kind: 'number', unit: 'count' },
      { key: 'coverage', label: 'Expected hours with data', kind: 'ratio', unit: '%' },
      { key: 'gaps', label: 'Gaps', kind: 'number', unit: 'count' },
      { key: 'longest_gap_hours', label: 'Longest gap', kind: 'number', unit: 'h' },
      { key: 'first_gap_start', label: 'First gap from', kind: 'time', unit: 'UTC' },
      { key: 'last_error', label: 'Last error', kind: 'text' },
    ],
    rows: input.ingest.map((r) => {
      const gaps = gapsOf(r, input.range.start, until);
      const { from, to } = expectedHours(r, input.range.start, until);
      const expected = Math.max(0, (to - from) / HOUR_MS);
      const covered = new Set(r.coveredHours.filter((h) => h >= from && h < to)).size;
      return {
        dataset: r.dataset,
        runs: r.runs,
        failed_runs: r.failedRuns,
        rows: r.rows,
        coverage: expected ? covered / expected : null,
        gaps: gaps.length,
        longest_gap_hours: gaps.reduce((m, g) => Math.max(m, (g.end - g.start) / HOUR_MS), 0),
        first_gap_start: gaps[0]?.start ?? null,
        last_error: r.lastError ?? null,
      };
    }),
    emptyText: 'Nothing was ingested for this tenant in this period.',
  };
}

export function buildReport(input: ReportInput): Report {
  const until = countedUntil(input);
  const services = serviceTable(input, until);
  const skipped = notCompared(input, until);
  const forecasts = capacityForecasts(input, until);
  const tables = [services, alertTable(input, until), anomalyTable(input), capacityTable(forecasts, input, until), riskTable(input), recommendationTable(input), ingestTable(input, until)];
  const num = (v: Cell | undefined): number | null => (typeof v === 'number' ? v : null);
  const perService = services.rows.filter((r) => r.service !== ALL_SERVICES);
  const availability: BarDatum[] = perService
    .filter((r) => num(r.availability) !== null)
    .map((r) => ({ label: String(r.service), value: num(r.availability) as number, reference: num(r.objective) ?? input.defaultObjective }));
  const latencyP95: BarDatum[] = perService
    .filter((r) => num(r.p95) !== null)
    .map((r) => {
      const previous = skipped.has(METRICS.p95) ? null : meanOf(input.services, String(r.service), METRICS.p95, 'previous');
      return { label: String(r.service), value: num(r.p95) as number, ...(previous !== null ? { reference: previous } : {}) };
    });
  const hasData = input.services.some((r) => r.period === 'current') || input.alerts.length > 0 || input.anomalies.length > 0 || input.ingest.some((r) => r.coveredHours.length > 0 || r.runs > 0);
  const report: Report = {
    tenant: input.tenant,
    period: input.period,
    range: input.range,
    previous: input.previous,
    generatedAt: input.generatedAt,
    partial: input.generatedAt < input.range.end,
    hasData,
    summary: [],
    tables,
    charts: {
      availability,
      latencyP95,
      anomalies: input.anomalies.map((a) => ({ title: `${a.dataset} ${a.seriesKey}`, samples: a.samples, highlight: { start: a.startMs, end: a.endMs } })),
      capacity: forecasts.map((f) => f.chart),
    },
  };
  report.summary = summarise(report, input);
  return report;
}
