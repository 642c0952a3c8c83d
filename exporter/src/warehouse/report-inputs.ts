// What a report reads from the warehouse: every table of the core's ReportInput for one tenant and
// period. Each engine answers the queries (ReportQueries: duckdb-report-inputs.ts,
// clickhouse/clickhouse-report-queries.ts); readReportInput puts them together alike for both.
import type { TimeRange } from '@sextant/core/model';
import { previousPeriod, type AlertRow, type AnomalyRow, type CapacityRow, type IngestRow, type RecommendationRow, type ReportInput, type ReportPeriod, type RiskRow, type ServiceMetricRow } from '@sextant/core/reports';

export const CAPACITY_DATASETS = ['node_memory_used_ratio', 'node_filesystem_used_ratio'] as const;
/** Around an anomaly, the plot shows this much before its start and after its end. */
export const PLOT_MARGIN_MS = 3 * 3_600_000;
export const TOP_ANOMALIES = 10;

export interface ReportSettings {
  objectives: Record<string, number>;
  defaultObjective: number;
  capacityThreshold: number;
}

export interface ReportInputs {
  read(tenant: string, period: ReportPeriod, range: TimeRange, settings: ReportSettings, generatedAt: number): Promise<ReportInput>;
}

/** One query per table of a report, over the tenant's rows; every engine orders rows alike. */
export interface ReportQueries {
  serviceMetrics(tenant: string, range: TimeRange, previous: TimeRange): Promise<ServiceMetricRow[]>;
  alerts(tenant: string, range: TimeRange): Promise<AlertRow[]>;
  /** The TOP_ANOMALIES events with the highest peak, each with its 5m averages around it (PLOT_MARGIN_MS). */
  topAnomalies(tenant: string, range: TimeRange): Promise<AnomalyRow[]>;
  capacitySeries(tenant: string, range: TimeRange): Promise<CapacityRow[]>;
  failureRisk(tenant: string, range: TimeRange): Promise<RiskRow[]>;
  recommendations(tenant: string, range: TimeRange): Promise<RecommendationRow[]>;
  ingestHealth(tenant: string, range: TimeRange): Promise<IngestRow[]>;
}

/** Every table of one report, read from the warehouse. */
export async function readReportInput(q: ReportQueries, tenant: string, period: ReportPeriod, range: TimeRange, settings: ReportSettings, generatedAt: number): Promise<ReportInput> {
  const previous = previousPeriod(period, range);
  // The capacity forecast fits on a week of history even for a daily report.
  const capacityRange = { start: Math.min(range.start, range.end - 7 * 86_400_000), end: range.end };
  return {
    tenant,
    period,
    range,
    previous,
    generatedAt,
    ...settings,
    services: await q.serviceMetrics(tenant, range, previous),
    alerts: await q.alerts(tenant, range),
    anomalies: await q.topAnomalies(tenant, range),
    capacity: await q.capacitySeries(tenant, capacityRange),
    risk: await q.failureRisk(tenant, range),
    recommendations: await q.recommendations(tenant, range),
    ingest: await q.ingestHealth(tenant, range),
    previousCoveredHours: Object.fromEntries((await q.ingestHealth(tenant, previous)).map((r) => [r.dataset, r.coveredHours.length])),
  };
}

/** ReportInputs over an engine's queries. */
export function reportInputsOf(q: ReportQueries): ReportInputs {
  return { read: (tenant, period, range, settings, generatedAt) => readReportInput(q, tenant, period, range, settings, generatedAt) };
}

// Rows of either engine (64-bit integers may come as strings, missing values as null) as the core's.
const num = (v: unknown): number => Number(v);
const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
type Row = Record<string, unknown>;

export const serviceMetricOf = (r: Row): ServiceMetricRow => ({ service: str(r.service), metric: str(r.metric), period: r.period === 'current' ? 'current' : 'previous', mean: num(r.mean), max: num(r.max), count: num(r.count) });

export const alertRowOf = (r: Row): AlertRow => ({ alertname: str(r.alertname), service: str(r.service), severity: str(r.severity), startsAt: num(r.starts_at_ms), endsAt: opt(r.ends_at_ms) });

export const anomalyRowOf = (r: Row, samples: { t: number; v: number }[]): AnomalyRow => ({
  dataset: str(r.dataset),
  seriesKey: str(r.series_key),
  startMs: num(r.start_ms),
  endMs: num(r.end_ms),
  peakScore: num(r.peak_score),
  severity: str(r.severity),
  detector: str(r.detector),
  value: num(r.value),
  expected: num(r.expected),
  samples,
});

/** The plot's window around an anomaly row, inside the report's range. */
export const plotRangeOf = (r: Row, range: TimeRange): TimeRange => ({ start: Math.max(range.start, num(r.start_ms) - PLOT_MARGIN_MS), end: Math.min(range.end, num(r.end_ms) + PLOT_MARGIN_MS) });

export const capacityRowOf = (r: Row): CapacityRow => {
  const ts = r.ts as unknown[];
  const vs = r.vs as unknown[];
  return { dataset: str(r.dataset), entity: str(r.series_key), samples: ts.map((t, i) => ({ t: Number(t), v: Number(vs[i]) })) };
};

export const riskRowOf = (r: Row): RiskRow => ({ entity: str(r.entity), horizonMs: num(r.horizon_ms), maxProbability: num(r.max_p), lastProbability: num(r.last_p), lastAt: num(r.last_at) });

export const recommendationRowOf = (r: Row): RecommendationRow => ({
  id: str(r.id),
  kind: str(r.kind),
  entity: str(r.entity),
  title: str(r.title),
  severity: str(r.severity),
  status: str(r.status),
  createdAt: num(r.created_at_ms),
  appliedAt: opt(r.applied_at_ms),
  outcome: r.outcome === null || r.outcome === undefined ? undefined : str(r.outcome),
});

export const ingestRowOf = (r: Row): IngestRow => ({
  dataset: str(r.dataset),
  runs: num(r.runs),
  failedRuns: num(r.failed),
  rows: num(r.rows),
  lastError: r.last_error === null || r.last_error === undefined ? undefined : str(r.last_error),
  coveredHours: (r.covered as unknown[]).map(Number).sort((a, b) => a - b),
  firstSampleAt: r.first_sample === null || r.first_sample === undefined ? null : num(r.first_sample),
});
