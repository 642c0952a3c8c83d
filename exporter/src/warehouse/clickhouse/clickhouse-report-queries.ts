// The warehouse queries behind a report on ClickHouse: the answers of duckdb-report-inputs.ts (the
// store contract compares them), every value written as a literal by sql-literal.ts.
import type { TimeRange } from '@sextant/core/model';
import { METRICS, type AlertRow, type AnomalyRow, type CapacityRow, type IngestRow, type RecommendationRow, type RiskRow, type ServiceMetricRow } from '@sextant/core/reports';
import {
  alertRowOf,
  anomalyRowOf,
  CAPACITY_DATASETS,
  capacityRowOf,
  ingestRowOf,
  plotRangeOf,
  recommendationRowOf,
  riskRowOf,
  serviceMetricOf,
  TOP_ANOMALIES,
  type ReportQueries,
} from '../report-inputs.js';
import { alertChangesSql } from './clickhouse-alert-changes.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { labelValue } from './clickhouse-labels.js';
import { sqlNumber, sqlString, sqlStrings } from './sql-literal.js';

/** The series' service label, else its job, else '' (DuckDB: coalesce of the two). */
const SERVICE = `if(has(label_names, 'service'), ${labelValue('service')}, ${labelValue('job')})`;

export class ClickHouseReportQueries implements ReportQueries {
  constructor(private readonly db: ClickHouseConnection) {}

  private t(name: string): string {
    return this.db.table(name);
  }

  async serviceMetrics(tenant: string, range: TimeRange, previous: TimeRange): Promise<ServiceMetricRow[]> {
    const rows = await this.db.read(
      `SELECT service, metric, period, total / n AS mean, top AS max, n AS count FROM (
         SELECT service, dataset AS metric, if(bucket >= ${sqlNumber(range.start)}, 'current', 'previous') AS period,
                sum(sum) AS total, max(max) AS top, sum(count) AS n
         FROM (SELECT dataset, series_id, bucket, sum, max, count FROM ${this.t('rollup_1h')} FINAL
               WHERE tenant = ${sqlString(tenant)} AND bucket >= ${sqlNumber(previous.start)} AND bucket < ${sqlNumber(range.end)}
                 AND dataset IN (${sqlStrings(Object.values(METRICS))})) AS l
         ALL INNER JOIN (SELECT dataset, series_id, ${SERVICE} AS service FROM ${this.t('series')} FINAL WHERE tenant = ${sqlString(tenant)}) AS r
         USING (dataset, series_id)
         GROUP BY service, metric, period HAVING n > 0)
       ORDER BY service, metric, period`,
    );
    return rows.map(serviceMetricOf);
  }

  async alerts(tenant: string, range: TimeRange): Promise<AlertRow[]> {
    const rows = await this.db.read(
      `SELECT i_alertname AS alertname, i_service AS service, i_severity AS severity, starts_at_ms, i_ends AS ends_at_ms FROM (
         SELECT fingerprint, starts_at_ms, argMax(alertname, seq) AS i_alertname, argMax(service, seq) AS i_service,
                argMax(severity, seq) AS i_severity, maxIf(ends_at_ms, state = 'resolved') AS i_ends
         FROM (${alertChangesSql(this.db, `tenant = ${sqlString(tenant)}`)}) GROUP BY fingerprint, starts_at_ms)
       WHERE starts_at_ms < ${sqlNumber(range.end)} AND (isNull(i_ends) OR i_ends > ${sqlNumber(range.start)})
       ORDER BY starts_at_ms, alertname`,
    );
    return rows.map(alertRowOf);
  }

  private async plotSamples(tenant: string, dataset: string, seriesId: number, plot: TimeRange): Promise<{ t: number; v: number }[]> {
    const rows = await this.db.read(
      `SELECT bucket, avg FROM ${this.t('rollup_5m')} FINAL WHERE tenant = ${sqlString(tenant)} AND dataset = ${sqlString(dataset)}
         AND series_id = ${sqlNumber(seriesId)} AND bucket >= ${sqlNumber(plot.start)} AND bucket < ${sqlNumber(plot.end)} ORDER BY bucket`,
    );
    return rows.map((r) => ({ t: Number(r.bucket), v: Number(r.avg) }));
  }

  async topAnomalies(tenant: string, range: TimeRange): Promise<AnomalyRow[]> {
    const rows = await this.db.read(
      `SELECT dataset, series_id, series_key, start_ms, end_ms, peak_score, severity, detector, value, expected
       FROM (SELECT dataset, series_id, start_ms, end_ms, peak_score, severity, detector, value, expected FROM ${this.t('anomaly_events')} FINAL
             WHERE tenant = ${sqlString(tenant)} AND start_ms < ${sqlNumber(range.end)} AND end_ms >= ${sqlNumber(range.start)}) AS l
       ALL LEFT JOIN (SELECT dataset, series_id, series_key FROM ${this.t('series')} FINAL WHERE tenant = ${sqlString(tenant)}) AS r USING (dataset, series_id)
       ORDER BY peak_score DESC, start_ms LIMIT ${sqlNumber(TOP_ANOMALIES)}`,
    );
    return Promise.all(rows.map(async (r) => anomalyRowOf(r, await this.plotSamples(tenant, String(r.dataset), Number(r.series_id), plotRangeOf(r, range)))));
  }

  async capacitySeries(tenant: string, range: TimeRange): Promise<CapacityRow[]> {
    const rows = await this.db.read(
      `SELECT dataset, series_key, arrayMap(p -> tupleElement(p, 1), points) AS ts, arrayMap(p -> tupleElement(p, 2), points) AS vs FROM (
         SELECT dataset, series_key, arraySort(groupArray((bucket, sum / count))) AS points
         FROM (SELECT dataset, series_id, bucket, sum, count FROM ${this.t('rollup_1h')} FINAL
               WHERE tenant = ${sqlString(tenant)} AND bucket >= ${sqlNumber(range.start)} AND bucket < ${sqlNumber(range.end)} AND count > 0
                 AND dataset IN (${sqlStrings(CAPACITY_DATASETS)})) AS l
         ALL INNER JOIN (SELECT dataset, series_id, series_key FROM ${this.t('series')} FINAL WHERE tenant = ${sqlString(tenant)}) AS r USING (dataset, series_id)
         GROUP BY dataset, series_key)
       ORDER BY dataset, series_key`,
    );
    return rows.map(capacityRowOf);
  }

  async failureRisk(tenant: string, range: TimeRange): Promise<RiskRow[]> {
    const rows = await this.db.read(
      `SELECT entity, horizon_ms, max(probability) AS max_p, argMax(probability, at_ms) AS last_p, max(at_ms) AS last_at
       FROM ${this.t('predictions')} FINAL WHERE tenant = ${sqlString(tenant)} AND at_ms >= ${sqlNumber(range.start)} AND at_ms < ${sqlNumber(range.end)}
       GROUP BY entity, horizon_ms ORDER BY max_p DESC, entity`,
    );
    return rows.map(riskRowOf);
  }

  async recommendations(tenant: string, range: TimeRange): Promise<RecommendationRow[]> {
    const since = sqlNumber(range.start);
    const rows = await this.db.read(
      `SELECT id, kind, entity, title, severity, status, created_at_ms, applied_at_ms, outcome FROM ${this.t('recommendations')} FINAL
       WHERE tenant = ${sqlString(tenant)} AND created_at_ms < ${sqlNumber(range.end)}
         AND (status = 'open' OR updated_at_ms >= ${since} OR applied_at_ms >= ${since} OR outcome_at_ms >= ${since})
       ORDER BY priority DESC, created_at_ms`,
    );
    return rows.map(recommendationRowOf);
  }

  async ingestHealth(tenant: string, range: TimeRange): Promise<IngestRow[]> {
    const [start, end, who] = [sqlNumber(range.start), sqlNumber(range.end), sqlString(tenant)];
    const inRange = `tenant = ${who} AND finished_at_ms >= ${start} AND finished_at_ms < ${end}`;
    const seen = await this.db.read(`SELECT dataset FROM ${this.t('dataset_windows')} WHERE tenant = ${who} GROUP BY dataset HAVING min(start_ms) < ${end}`);
    const runs = await this.db.read(
      `SELECT dataset, count() AS runs, countIf(status != 'ok') AS failed, sum(rows) AS total, argMaxIf(error, finished_at_ms, status != 'ok') AS last_error
       FROM ${this.t('ingest_runs')} WHERE ${inRange} GROUP BY dataset`,
    );
    const hours = await this.db.read(
      `SELECT dataset, groupUniqArray(bucket) AS covered FROM ${this.t('rollup_1h')} FINAL
       WHERE tenant = ${who} AND bucket >= ${start} AND bucket < ${end} AND count > 0 GROUP BY dataset`,
    );
    // The dataset's first stored sample: data is expected from then on.
    const firsts = await this.db.read(`SELECT dataset, min(first_seen_ms) AS first_sample FROM ${this.t('series')} FINAL WHERE tenant = ${who} GROUP BY dataset`);
    const runsOf = new Map(runs.map((r) => [String(r.dataset), r]));
    const hoursOf = new Map(hours.map((r) => [String(r.dataset), r.covered as unknown[]]));
    const firstOf = new Map(firsts.map((r) => [String(r.dataset), r.first_sample]));
    const names = [...new Set([...seen, ...runs].map((r) => String(r.dataset)))].sort();
    return names.map((dataset) => {
      const run = runsOf.get(dataset);
      const failed = Number(run?.failed ?? 0);
      return ingestRowOf({
        dataset,
        runs: run?.runs ?? 0,
        failed,
        rows: run?.total ?? 0,
        last_error: failed > 0 ? run!.last_error : null,
        covered: hoursOf.get(dataset) ?? [],
        first_sample: firstOf.get(dataset) ?? null,
      });
    });
  }
}
