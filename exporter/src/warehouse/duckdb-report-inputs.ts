// The warehouse queries behind a report on DuckDB: each fills one table of the core's ReportInput
// from the tenant's rows, with every value bound as a parameter.
import type { ReportPeriod } from '@sextant/core/reports';
import { METRICS, previousPeriod, type AlertRow, type AnomalyRow, type CapacityRow, type IngestRow, type RecommendationRow, type ReportInput, type RiskRow, type ServiceMetricRow } from '@sextant/core/reports';
import type { TimeRange } from '@sextant/core/model';
import type { DuckDbColdTier } from './cold/duckdb-cold-tier.js';
import type { DuckDbHandle, ReadSession, Row } from './duckdb-handle.js';
import type { ReportInputs, ReportSettings } from './report-inputs.js';

export const CAPACITY_DATASETS = ['node_memory_used_ratio', 'node_filesystem_used_ratio'] as const;
/** Around an anomaly, the plot shows this much before its start and after its end. */
const PLOT_MARGIN_MS = 3 * 3_600_000;
export const TOP_ANOMALIES = 10;

const serviceLabel = `coalesce(map_extract_value(s.labels, 'service'), map_extract_value(s.labels, 'job'), '')`;

/** What the report's queries read through: the handle, or a read session (one snapshot). */
type Reader = Pick<ReadSession, 'read'>;

/** Where a report reads the rollups from: their tables, or the tables with their cold files. */
export interface RollupSources {
  '5m': string;
  '1h': string;
}
const TABLES: RollupSources = { '5m': 'rollup_5m', '1h': 'rollup_1h' };

const num = (v: unknown): number => Number(v);
const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

export async function serviceMetrics(handle: Reader, tenant: string, range: TimeRange, previous: TimeRange, sources: RollupSources = TABLES): Promise<ServiceMetricRow[]> {
  const metrics = Object.values(METRICS);
  const rows = await handle.read(
    `SELECT ${serviceLabel} AS service, r.dataset AS metric,
            CASE WHEN r.bucket >= $2 THEN 'current' ELSE 'previous' END AS period,
            sum(r.sum) / sum(r.count) AS mean, max(r.max) AS max, sum(r.count) AS count
     FROM ${sources['1h']} r JOIN series s ON s.tenant = r.tenant AND s.dataset = r.dataset AND s.series_id = r.series_id
     WHERE r.tenant = $1 AND r.bucket >= $3 AND r.bucket < $4 AND r.dataset IN (${placeholders(5, metrics.length)})
     GROUP BY ALL HAVING sum(r.count) > 0
     ORDER BY service, metric, period`,
    [tenant, range.start, previous.start, range.end, ...metrics],
  );
  return rows.map((r) => ({ service: str(r.service), metric: str(r.metric), period: r.period === 'current' ? 'current' : 'previous', mean: num(r.mean), max: num(r.max), count: num(r.count) }));
}

export async function alerts(handle: Reader, tenant: string, range: TimeRange): Promise<AlertRow[]> {
  const rows = await handle.read(
    `SELECT alertname, service, severity, starts_at_ms, ends_at_ms FROM alert_instances
     WHERE tenant = $1 AND starts_at_ms < $3 AND (ends_at_ms IS NULL OR ends_at_ms > $2)
     ORDER BY starts_at_ms, alertname`,
    [tenant, range.start, range.end],
  );
  return rows.map((r) => ({ alertname: str(r.alertname), service: str(r.service), severity: str(r.severity), startsAt: num(r.starts_at_ms), endsAt: opt(r.ends_at_ms) }));
}

async function plotSamples(handle: Reader, source5m: string, tenant: string, dataset: string, seriesId: number, from: number, to: number): Promise<{ t: number; v: number }[]> {
  const rows = await handle.read(
    `SELECT bucket, avg FROM ${source5m} WHERE tenant = $1 AND dataset = $2 AND series_id = $3 AND bucket >= $4 AND bucket < $5 AND avg IS NOT NULL ORDER BY bucket`,
    [tenant, dataset, seriesId, from, to],
  );
  return rows.map((r) => ({ t: num(r.bucket), v: num(r.avg) }));
}

export async function topAnomalies(handle: Reader, tenant: string, range: TimeRange, limit = TOP_ANOMALIES, sources: RollupSources = TABLES): Promise<AnomalyRow[]> {
  const rows = await handle.read(
    `SELECT e.dataset, e.series_id, s.series_key, e.start_ms, e.end_ms, e.peak_score, e.severity, e.detector, e.value, e.expected
     FROM anomaly_events e LEFT JOIN series s ON s.tenant = e.tenant AND s.dataset = e.dataset AND s.series_id = e.series_id
     WHERE e.tenant = $1 AND e.start_ms < $3 AND e.end_ms >= $2
     ORDER BY e.peak_score DESC, e.start_ms LIMIT $4`,
    [tenant, range.start, range.end, limit],
  );
  return Promise.all(
    rows.map(async (r: Row) => ({
      dataset: str(r.dataset),
      seriesKey: str(r.series_key),
      startMs: num(r.start_ms),
      endMs: num(r.end_ms),
      peakScore: num(r.peak_score),
      severity: str(r.severity),
      detector: str(r.detector),
      value: num(r.value),
      expected: num(r.expected),
      samples: await plotSamples(handle, sources['5m'], tenant, str(r.dataset), num(r.series_id), Math.max(range.start, num(r.start_ms) - PLOT_MARGIN_MS), Math.min(range.end, num(r.end_ms) + PLOT_MARGIN_MS)),
    })),
  );
}

export async function capacitySeries(handle: Reader, tenant: string, range: TimeRange, sources: RollupSources = TABLES): Promise<CapacityRow[]> {
  const rows = await handle.read(
    `SELECT r.dataset, s.series_key, list(r.bucket ORDER BY r.bucket) AS ts, list(r.sum / r.count ORDER BY r.bucket) AS vs
     FROM ${sources['1h']} r JOIN series s ON s.tenant = r.tenant AND s.dataset = r.dataset AND s.series_id = r.series_id
     WHERE r.tenant = $1 AND r.bucket >= $2 AND r.bucket < $3 AND r.count > 0 AND r.dataset IN (${placeholders(4, CAPACITY_DATASETS.length)})
     GROUP BY ALL ORDER BY r.dataset, s.series_key`,
    [tenant, range.start, range.end, ...CAPACITY_DATASETS],
  );
  return rows.map((r) => {
    const ts = r.ts as number[];
    const vs = r.vs as number[];
    return { dataset: str(r.dataset), entity: str(r.series_key), samples: ts.map((t, i) => ({ t: Number(t), v: Number(vs[i]) })) };
  });
}

export async function failureRisk(handle: Reader, tenant: string, range: TimeRange): Promise<RiskRow[]> {
  const rows = await handle.read(
    `SELECT entity, horizon_ms, max(probability) AS max_p, arg_max(probability, at_ms) AS last_p, max(at_ms) AS last_at
     FROM predictions WHERE tenant = $1 AND at_ms >= $2 AND at_ms < $3
     GROUP BY entity, horizon_ms ORDER BY max_p DESC, entity`,
    [tenant, range.start, range.end],
  );
  return rows.map((r) => ({ entity: str(r.entity), horizonMs: num(r.horizon_ms), maxProbability: num(r.max_p), lastProbability: num(r.last_p), lastAt: num(r.last_at) }));
}

export async function recommendations(handle: Reader, tenant: string, range: TimeRange): Promise<RecommendationRow[]> {
  const rows = await handle.read(
    `SELECT id, kind, entity, title, severity, status, created_at_ms, applied_at_ms, outcome FROM recommendations
     WHERE tenant = $1 AND created_at_ms < $3 AND (status = 'open' OR updated_at_ms >= $2 OR applied_at_ms >= $2 OR outcome_at_ms >= $2)
     ORDER BY priority DESC, created_at_ms`,
    [tenant, range.start, range.end],
  );
  return rows.map((r) => ({
    id: str(r.id),
    kind: str(r.kind),
    entity: str(r.entity),
    title: str(r.title),
    severity: str(r.severity),
    status: str(r.status),
    createdAt: num(r.created_at_ms),
    appliedAt: opt(r.applied_at_ms),
    outcome: r.outcome === null || r.outcome === undefined ? undefined : str(r.outcome),
  }));
}

export async function ingestHealth(handle: Reader, tenant: string, range: TimeRange, sources: RollupSources = TABLES): Promise<IngestRow[]> {
  const rows = await handle.read(
    `WITH names AS (
       SELECT dataset FROM datasets WHERE tenant = $1 AND first_seen_ms < $3
       UNION SELECT dataset FROM ingest_runs WHERE tenant = $1 AND finished_at_ms >= $2 AND finished_at_ms < $3),
     runs AS (
       SELECT dataset, count(*) AS runs, count(*) FILTER (WHERE status <> 'ok') AS failed, sum(rows) AS rows,
              arg_max(error, finished_at_ms) FILTER (WHERE status <> 'ok') AS last_error
       FROM ingest_runs WHERE tenant = $1 AND finished_at_ms >= $2 AND finished_at_ms < $3 GROUP BY dataset),
     hours AS (
       SELECT dataset, list(DISTINCT bucket) AS covered FROM ${sources['1h']}
       WHERE tenant = $1 AND bucket >= $2 AND bucket < $3 AND count > 0 GROUP BY dataset)
     SELECT n.dataset, coalesce(runs.runs, 0) AS runs, coalesce(runs.failed, 0) AS failed, coalesce(runs.rows, 0) AS rows,
            runs.last_error, coalesce(hours.covered, []) AS covered
     FROM names n LEFT JOIN runs USING (dataset) LEFT JOIN hours USING (dataset) ORDER BY n.dataset`,
    [tenant, range.start, range.end],
  );
  return rows.map((r) => ({
    dataset: str(r.dataset),
    runs: num(r.runs),
    failedRuns: num(r.failed),
    rows: num(r.rows),
    lastError: r.last_error === null || r.last_error === undefined ? undefined : str(r.last_error),
    coveredHours: (r.covered as unknown[]).map(Number).sort((a, b) => a - b),
  }));
}

/**
 * Every table of one report, read from the warehouse. `sourceOf` says where to read a rollup level
 * over [from, to) from (the cold tier adds its files to the table); the tables by default.
 */
export async function readReportInput(
  handle: Reader,
  tenant: string,
  period: ReportPeriod,
  range: TimeRange,
  settings: ReportSettings,
  generatedAt: number,
  sourceOf: (level: keyof RollupSources, from: number, to: number) => Promise<string> = async (level) => TABLES[level],
): Promise<ReportInput> {
  const previous = previousPeriod(period, range);
  // The capacity forecast fits on a week of history even for a daily report.
  const capacityRange = { start: Math.min(range.start, range.end - 7 * 86_400_000), end: range.end };
  const sources: RollupSources = {
    '5m': await sourceOf('5m', range.start, range.end),
    '1h': await sourceOf('1h', Math.min(previous.start, capacityRange.start), range.end),
  };
  return {
    tenant,
    period,
    range,
    previous,
    generatedAt,
    ...settings,
    services: await serviceMetrics(handle, tenant, range, previous, sources),
    alerts: await alerts(handle, tenant, range),
    anomalies: await topAnomalies(handle, tenant, range, TOP_ANOMALIES, sources),
    capacity: await capacitySeries(handle, tenant, capacityRange, sources),
    risk: await failureRisk(handle, tenant, range),
    recommendations: await recommendations(handle, tenant, range),
    ingest: await ingestHealth(handle, tenant, range, sources),
  };
}

export class DuckDbReportInputs implements ReportInputs {
  constructor(
    private readonly handle: DuckDbHandle,
    private readonly cold: DuckDbColdTier,
  ) {}

  /** In one snapshot, with the rollups' cold files: a day moving meanwhile is read once. */
  read(tenant: string, period: ReportPeriod, range: TimeRange, settings: ReportSettings, generatedAt: number): Promise<ReportInput> {
    return this.handle.readSession((session) =>
      readReportInput(session, tenant, period, range, settings, generatedAt, (level, from, to) => this.cold.source(session, level, from, to)),
    );
  }
}
