// Defaults of every generator: the classic thresholds, and the datasets Sextant reads by default.
import type { AbsentSpec } from './absent.js';
import type { CapacitySpec } from './capacity.js';
import type { PipelineSpec } from './pipeline.js';
import type { ScoreAlertSpec } from './score-alerts.js';
import type { SextantBandsSpec } from './sextant-bands.js';
import type { HttpMetrics, ThresholdsSpec } from './thresholds.js';

export const DEFAULT_HTTP_METRICS: HttpMetrics = {
  requests: 'http_requests_total',
  duration: 'http_request_duration_seconds',
  statusLabel: 'code',
  errorStatus: '5..',
  serviceLabel: 'job',
};

export const DEFAULT_THRESHOLDS: ThresholdsSpec = {
  node: {},
  http: {},
  httpMetrics: DEFAULT_HTTP_METRICS,
  cpuPercent: [
    { above: 90, for: '5m', severity: 'critical' },
    { above: 75, for: '30m', severity: 'warning' },
  ],
  memoryPercent: [{ above: 85, for: '10m', severity: 'warning' }],
  diskPercent: [{ above: 90, for: '10m', severity: 'critical' }],
  errorRatio: [{ above: 0.01, for: '10m', severity: 'warning' }],
  latencyP99Seconds: [{ above: 5, for: '10m', severity: 'warning' }],
};

export const DEFAULT_CAPACITY: CapacitySpec = {
  node: {},
  disk: { lookback: '6h', horizon: '24h', for: '30m', severity: 'warning' },
  memory: { lookback: '1h', horizon: '2h', for: '15m', severity: 'warning' },
};

export const DEFAULT_SCORE_ALERTS: ScoreAlertSpec[] = [
  { alert: 'SextantAnomaly', metric: 'sextant_anomaly_score', above: 0.9, for: '10m', severity: 'warning', filters: {} },
  { alert: 'SextantFailureLikely', metric: 'sextant_failure_probability', above: 0.7, for: '15m', severity: 'warning', filters: {} },
  { alert: 'SextantFailureImminent', metric: 'sextant_failure_probability', above: 0.9, for: '5m', severity: 'critical', filters: {} },
];

/** What Sextant's default datasets read: node_exporter, the services' RED metrics, and Sextant itself. */
export const DEFAULT_ABSENT: AbsentSpec = {
  alert: 'SextantDatasetAbsent',
  for: '10m',
  severity: 'warning',
  datasets: [
    { name: 'node_cpu', selector: { metric: 'node_cpu_seconds_total' } },
    { name: 'node_memory', selector: { metric: 'node_memory_MemAvailable_bytes' } },
    { name: 'node_filesystem', selector: { metric: 'node_filesystem_avail_bytes' } },
    { name: 'http_requests', selector: { metric: 'http_requests_total' } },
    { name: 'http_latency', selector: { metric: 'http_request_duration_seconds_bucket' } },
    { name: 'sextant', selector: { metric: 'up', matchers: { job: 'sextant' } } },
  ],
};

/** Every scored dataset, with the contract's own alert settings (AnomalyDetected: 5m, warning). */
export const DEFAULT_SEXTANT_BANDS: SextantBandsSpec = { datasets: [], for: '5m', severity: 'warning' };

/** Sextant's own pipeline (ingest interval 1m, retention hourly, training every 6h by default). */
export const DEFAULT_PIPELINE: PipelineSpec = {
  severity: 'warning',
  ingestLag: '30m',
  ingestLagFor: '10m',
  ingestFailingWindow: '30m',
  staleAfter: { default: '1h', retention: '3h', train: '13h' },
  intakeBacklogFor: '10m',
  trainingFailingWindow: '13h',
};
