// The warehouse queries behind a report on DuckDB: each fills one table of the core's ReportInput
// from the tenant's rows, with every value bound as a parameter.
import type { TimeRange } from '@sextant/core/model';
import { METRICS, type AlertRow, type AnomalyRow, type CapacityRow, type IngestRow, type RecommendationRow, type ReportInput, type ReportPeriod, type RiskRow, type ServiceMetricRow } from '@sextant/core/reports';
import type { DuckDbColdTier } from './cold/duckdb-cold-tier.js';
import type { DuckDbHandle, ReadSession } from './duckdb-handle.js';
import {
  alertRowOf,
  anomalyRowOf,
  CAPACITY_DATASETS,
  capacityRowOf,
  ingestRowOf,
  plotRangeOf,
  readReportInput,
  recommendationRowOf,
  riskRowOf,
  serviceMetricOf,
  TOP_ANOMALIES,
  type ReportInputs,
  type ReportQueries,
  type ReportSettings,
} from './report-inputs.js';

const serviceLabel = `coalesce(map_extract_value(s.labels, 'service'), map_extract_value(s.labels, 'job'), '')`;

function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

/** The rollup levels a report reads. */
type ReportLevel = '5m' | '1h';
/** Where to read a rollup level over [from, to) from: its table, or the table with its cold files. */
type SourceOf = (level: ReportLevel, from: number, to: number) => Promise<string>;
const tableOf: SourceOf = async (level) => `rollup_${level}`;

export class DuckDbReportQueries implements ReportQueries {
  /** `reader`: the handle, or a read session (one snapshot for the whole report). */
  constructor(
    private readonly reader: Pick<ReadSession, 'read'>,
    private readonly sourceOf: SourceOf = tableOf,
  ) {}

  async serviceMetrics(tenant: string, range: TimeRange, previous: TimeRange): Promise<ServiceMetricRow[]> {
    const metrics = Object.values(METRICS);
    const rollup1h = await this.sourceOf('1h', previous.start, range.end);
    const rows = await this.reader.read(
      `SELECT ${serviceLabel} AS service, r.dataset AS metric,
              CASE WHEN r.bucket >= $2 THEN 'current' ELSE 'previous' END AS period,
              sum(r.sum) / sum(r.count) AS mean, max(r.max) AS max, sum(r.count) AS count
       FROM ${rollup1h} r JOIN series s ON s.tenant = r.tenant AND s.dataset = r.dataset AND s.series_id = r.series_id
       WHERE r.tenant = $1 AND r.bucket >= $3 AND r.bucket < $4 AND r.dataset IN (${placeholders(5, metrics.length)})
       GROUP BY ALL HAVING sum(r.count) > 0
       ORDER BY service, metric, period`,
      [tenant, range.start, previous.start, range.end, ...metrics],
    );
    return rows.map(serviceMetricOf);
  }

  async alerts(tenant: string, range: TimeRange): Promise<AlertRow[]> {
    const rows = await this.reader.read(
      `SELECT alertname, service, severity, starts_at_ms, ends_at_ms FROM alert_instances
       WHERE tenant = $1 AND starts_at_ms < $3 AND (ends_at_ms IS NULL OR ends_at_ms > $2)
       ORDER BY starts_at_ms, alertname`,
      [tenant, range.start, range.end],
    );
    return rows.map(alertRowOf);
  }

  private async plotSamples(tenant: string, dataset: string, seriesId: number, { start: from, end: to }: TimeRange): Promise<{ t: number; v: number }[]> {
    const rollup5m = await this.sourceOf('5m', from, to);
    const rows = await this.reader.read(
      `SELECT bucket, avg FROM ${rollup5m} WHERE tenant = $1 AND dataset = $2 AND series_id = $3 AND bucket >= $4 AND bucket < $5 AND avg IS NOT NULL ORDER BY bucket`,
      [tenant, dataset, seriesId, from, to],
    );
    return rows.map((r) => ({ t: Number(r.bucket), v: Number(r.avg) }));
  }

  async topAnomalies(tenant: string, range: TimeRange): Promise<AnomalyRow[]> {
    const rows = await this.reader.read(
      `SELECT e.dataset, e.series_id, s.series_key, e.start_ms, e.end_ms, e.peak_score, e.severity, e.detector, e.value, e.expected
       FROM anomaly_events e LEFT JOIN series s ON s.tenant = e.tenant AND s.dataset = e.dataset AND s.series_id = e.series_id
       WHERE e.tenant = $1 AND e.start_ms < $3 AND e.end_ms >= $2
       ORDER BY e.peak_score DESC, e.start_ms LIMIT $4`,
      [tenant, range.start, range.end, TOP_ANOMALIES],
    );
    return Promise.all(
      rows.map(async (r) => anomalyRowOf(r, await this.plotSamples(tenant, String(r.dataset), Number(r.series_id), plotRangeOf(r, range)))),
    );
  }

  async capacitySeries(tenant: string, range: TimeRange): Promise<CapacityRow[]> {
    const rollup1h = await this.sourceOf('1h', range.start, range.end);
    const rows = await this.reader.read(
      `SELECT r.dataset, s.series_key, list(r.bucket ORDER BY r.bucket) AS ts, list(r.sum / r.count ORDER BY r.bucket) AS vs
       FROM ${rollup1h} r JOIN series s ON s.tenant = r.tenant AND s.dataset = r.dataset AND s.series_id = r.series_id
       WHERE r.tenant = $1 AND r.bucket >= $2 AND r.bucket < $3 AND r.count > 0 AND r.dataset IN (${placeholders(4, CAPACITY_DATASETS.length)})
       GROUP BY ALL ORDER BY r.dataset, s.series_key`,
      [tenant, range.start, range.end, ...CAPACITY_DATASETS],
    );
    return rows.map(capacityRowOf);
  }

  async failureRisk(tenant: string, range: TimeRange): Promise<RiskRow[]> {
    const rows = await this.reader.read(
      `SELECT entity, horizon_ms, max(probability) AS max_p, arg_max(probability, at_ms) AS last_p, max(at_ms) AS last_at
       FROM predictions WHERE tenant = $1 AND at_ms >= $2 AND at_ms < $3
       GROUP BY entity, horizon_ms ORDER BY max_p DESC, entity`,
      [tenant, range.start, range.end],
    );
    return rows.map(riskRowOf);
  }

  async recommendations(tenant: string, range: TimeRange): Promise<RecommendationRow[]> {
    const rows = await this.reader.read(
      `SELECT id, kind, entity, title, severity, status, created_at_ms, applied_at_ms, outcome FROM recommendations
       WHERE tenant = $1 AND created_at_ms < $3 AND (status = 'open' OR updated_at_ms >= $2 OR applied_at_ms >= $2 OR outcome_at_ms >= $2)
       ORDER BY priority DESC, created_at_ms`,
      [tenant, range.start, range.end],
    );
    return rows.map(recommendationRowOf);
  }

  async ingestHealth(tenant: string, range: TimeRange): Promise<IngestRow[]> {
    const rollup1h = await this.sourceOf('1h', range.start, range.end);
    const rows = await this.reader.read(
      `WITH names AS (
         SELECT dataset FROM datasets WHERE tenant = $1 AND first_seen_ms < $3
         UNION SELECT dataset FROM ingest_runs WHERE tenant = $1 AND finished_at_ms >= $2 AND finished_at_ms < $3),
       runs AS (
         SELECT dataset, count(*) AS runs, count(*) FILTER (WHERE status <> 'ok') AS failed, sum(rows) AS rows,
                arg_max(error, finished_at_ms) FILTER (WHERE status <> 'ok') AS last_error
         FROM ingest_runs WHERE tenant = $1 AND finished_at_ms >= $2 AND finished_at_ms < $3 GROUP BY dataset),
       hours AS (
         SELECT dataset, list(DISTINCT bucket) AS covered FROM ${rollup1h}
         WHERE tenant = $1 AND bucket >= $2 AND bucket < $3 AND count > 0 GROUP BY dataset),
       first AS (SELECT dataset, min(first_seen_ms) AS first_sample FROM series WHERE tenant = $1 GROUP BY dataset)
       SELECT n.dataset, coalesce(runs.runs, 0) AS runs, coalesce(runs.failed, 0) AS failed, coalesce(runs.rows, 0) AS rows,
              runs.last_error, coalesce(hours.covered, []) AS covered, first.first_sample
       FROM names n LEFT JOIN runs USING (dataset) LEFT JOIN hours USING (dataset) LEFT JOIN first USING (dataset) ORDER BY n.dataset`,
      [tenant, range.start, range.end],
    );
    return rows.map(ingestRowOf);
  }
}

/**
 * A report on DuckDB: every query in one read snapshot, the rollups with their cold files, so a day
 * moving to the cold tier meanwhile is read once.
 */
export class DuckDbReportInputs implements ReportInputs {
  constructor(
    private readonly handle: DuckDbHandle,
    private readonly cold: DuckDbColdTier,
  ) {}

  read(tenant: string, period: ReportPeriod, range: TimeRange, settings: ReportSettings, generatedAt: number): Promise<ReportInput> {
    return this.handle.readSession((session) => {
      const queries = new DuckDbReportQueries(session, (level, from, to) => this.cold.source(session, level, from, to));
      return readReportInput(queries, tenant, period, range, settings, generatedAt);
    });
  }
}
