// The metrics Sextant exposes on /metrics and the labels each carries. Rules that select them are
// checked against this table (a matcher on a label the metric never carries can never match, and a
// rule built on it never fires), and generated unit tests feed them series shaped like the real
// exposition. tests/serve.test.ts compares the table with a running service's /metrics, so it
// cannot drift from what the service exports.

export interface SextantMetric {
  type: 'counter' | 'gauge' | 'histogram';
  /** The labels Sextant sets, each with a value such as the service writes (for generated unit tests). */
  labels: Readonly<Record<string, string>>;
  /** The anomaly families also carry the scored series' own labels, whatever those are. */
  seriesLabels?: true;
  /** Exported only with this setting (absent: always). */
  onlyWith?: string;
}

/** Labels Prometheus itself adds to every series it scrapes from Sextant. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];

const series = { sextant_dataset: 'http_requests_per_second', sextant_detector: 'ensemble', sextant_tenant: 'default' };
const anomalyFamily: SextantMetric = { type: 'gauge', labels: series, seriesLabels: true };

export const SEXTANT_METRICS: Readonly<Record<string, SextantMetric>> = {
  sextant_http_requests_total: { type: 'counter', labels: { route: '/api/v1/query', method: 'POST', code: '200' } },
  sextant_http_request_duration_seconds: { type: 'histogram', labels: { route: '/api/v1/query' } },
  sextant_ingest_rows_total: { type: 'counter', labels: { dataset: 'up' } },
  sextant_ingest_errors_total: { type: 'counter', labels: { dataset: 'up', reason: 'source' } },
  sextant_ingest_duration_seconds: { type: 'histogram', labels: { dataset: 'up' } },
  sextant_ingest_lag_seconds: { type: 'gauge', labels: { dataset: 'up' } },
  sextant_backfill_windows: { type: 'gauge', labels: { tenant: 'default' } },
  sextant_backfill_windows_done: { type: 'gauge', labels: { tenant: 'default' } },
  sextant_backfill_running: { type: 'gauge', labels: { tenant: 'default' } },
  sextant_backfill_rows_total: { type: 'counter', labels: { tenant: 'default' } },
  sextant_backfill_jobs_total: { type: 'counter', labels: { tenant: 'default', state: 'done' } },
  sextant_score_points_total: { type: 'counter', labels: { dataset: 'up' } },
  sextant_anomaly_events_total: { type: 'counter', labels: { dataset: 'up', severity: 'high' } },
  sextant_anomaly_score: anomalyFamily,
  sextant_anomaly_value: anomalyFamily,
  sextant_anomaly_level: anomalyFamily,
  sextant_anomaly_upper_band: anomalyFamily,
  sextant_anomaly_lower_band: anomalyFamily,
  sextant_rollup_duration_seconds: { type: 'histogram', labels: {} },
  sextant_rollup_rows_total: { type: 'counter', labels: { level: '1h' } },
  sextant_retention_deleted_rows_total: { type: 'counter', labels: { level: 'points' } },
  sextant_warehouse_size_bytes: { type: 'gauge', labels: {} },
  sextant_job_runs_total: { type: 'counter', labels: { job: 'ingest', outcome: 'ok' } },
  sextant_job_duration_seconds: { type: 'histogram', labels: { job: 'ingest' } },
  sextant_job_last_success_timestamp_seconds: { type: 'gauge', labels: { job: 'ingest' } },
  sextant_event_loop_delay_seconds: { type: 'histogram', labels: {} },
  sextant_event_loop_delay_max_seconds: { type: 'gauge', labels: {} },
  sextant_alert_state_changes_total: { type: 'counter', labels: {} },
  sextant_alert_intake_unloaded_bytes: { type: 'gauge', labels: {} },
  sextant_alert_intake_rejected_lines_total: { type: 'counter', labels: {} },
  sextant_alert_webhook_requests_total: { type: 'counter', labels: { outcome: 'recorded' } },
  sextant_alert_reconcile_runs_total: { type: 'counter', labels: { outcome: 'ok' }, onlyWith: 'alerts.alertmanager' },
  sextant_replica_members: { type: 'gauge', labels: { role: 'score' }, onlyWith: 'warehouse.clickhouse.replica' },
  sextant_replica_heartbeat_timestamp_seconds: { type: 'gauge', labels: {}, onlyWith: 'warehouse.clickhouse.replica' },
  sextant_failure_probability: { type: 'gauge', labels: { tenant: 'default', entity: 'checkout', horizon: '1h' } },
  sextant_predict_training_runs_total: { type: 'counter', labels: { horizon: '1h', outcome: 'ok' } },
  sextant_predict_training_duration_seconds: { type: 'gauge', labels: { horizon: '1h' } },
  sextant_predict_training_rows: { type: 'gauge', labels: { horizon: '1h', part: 'train' } },
  sextant_predict_model_pr_auc_ratio: { type: 'gauge', labels: { tenant: 'default', horizon: '1h' } },
  sextant_predict_training_in_progress: { type: 'gauge', labels: {} },
  sextant_recommendations_open: { type: 'gauge', labels: { kind: 'capacity', severity: 'warning' } },
  sextant_recommendation_outcomes_total: { type: 'counter', labels: { kind: 'capacity', outcome: 'success' } },
  sextant_report_runs_total: { type: 'counter', labels: { period: 'weekly', format: 'html', outcome: 'ok' } },
  sextant_report_duration_seconds: { type: 'histogram', labels: { period: 'weekly', format: 'html' } },
};

/** The table entry of a sample name (`_bucket`, `_sum` and `_count` belong to their histogram), with the labels its samples carry. */
export function sextantMetricOf(name: string): { family: string; metric: SextantMetric; labels: string[] } | undefined {
  const own = SEXTANT_METRICS[name];
  if (own) return { family: name, metric: own, labels: Object.keys(own.labels) };
  const suffix = /_(bucket|sum|count)$/.exec(name);
  const family = suffix ? name.slice(0, suffix.index) : undefined;
  const histogram = family === undefined ? undefined : SEXTANT_METRICS[family];
  if (!family || histogram?.type !== 'histogram') return undefined;
  return { family, metric: histogram, labels: [...Object.keys(histogram.labels), ...(suffix![1] === 'bucket' ? ['le'] : [])] };
}

/**
 * The labels a sample of `name` carries once Prometheus has scraped it, with example values: the
 * target's job and instance, and Sextant's own. Sextant is scraped with `honor_labels: true` (the
 * anomaly families keep their series' job and instance; see docs/rules.md), so where a label of
 * Sextant's clashes with a target label, as sextant_job_runs_total's `job` does, Sextant's value wins.
 * Undefined for a metric that is not Sextant's.
 */
export function scrapedSextantLabels(name: string): Record<string, string> | undefined {
  const known = sextantMetricOf(name);
  if (!known) return undefined;
  return { job: 'sextant', instance: 'sextant:9890', ...known.metric.labels, ...(known.labels.includes('le') ? { le: '+Inf' } : {}) };
}

/** Label names a selector on `name` uses that the scraped Sextant metric never carries ([] for other metrics and for the anomaly families' series labels). */
export function labelsSextantNeverSets(name: string, labelNames: readonly string[]): string[] {
  const scraped = scrapedSextantLabels(name);
  if (!scraped || sextantMetricOf(name)?.metric.seriesLabels) return [];
  return labelNames.filter((label) => !(label in scraped) && label !== '__name__');
}

/** Labels of a generated test series of `name`: those of scrapedSextantLabels; for the anomaly families only Sextant's own (the rest are the scored series'); none for other metrics. */
export function sextantTestSeriesLabels(name: string): Record<string, string> {
  const known = sextantMetricOf(name);
  if (known?.metric.seriesLabels) return { ...known.metric.labels };
  return scrapedSextantLabels(name) ?? {};
}
