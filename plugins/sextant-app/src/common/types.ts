import type { Labels } from '@sextant/core';
import type { Explained, Severity } from '@sextant/core/anomaly';
import type { Evaluation } from '@sextant/core/predict';

/**
 * Shapes of Sextant's HTTP API (docs/api.md) as the plugin reads them, named as the service names
 * them. Times are Unix ms.
 */

export type { Severity } from '@sextant/core/anomaly';
/** GET /alerts/analysis answers the core's analysis as it is. */
export type { AlertAnalysis, AlertStats } from '@sextant/core/alerts';

/**
 * The explanation at an event's peak as the service words it: the core's (value, expected, band,
 * deviation in robust sigmas, the detector that fired and what it found), and `text`, the core's
 * words for it (`describeExplanation`).
 */
export type AnomalyExplanation = Explained & { text: string };

/** What the detector that fired found (only its own fields are set; see docs/api.md). */
export type { Evidence } from '@sextant/core/anomaly';

/** An anomaly event: a run of anomalous points of one series, explained at its peak (times in ms). */
export interface AnomalyEvent extends AnomalyExplanation {
  dataset: string;
  labels: Labels;
  start: number;
  end: number;
  peakScore: number;
  peakAt: number;
  severity: Severity;
}

/** An anomaly event as GET /anomalies answers it (times in RFC 3339). */
export interface ApiAnomalyEvent {
  dataset: string;
  labels: Labels;
  start: string;
  end: string;
  peakScore: number;
  peakAt: string;
  severity: Severity;
  explanation: AnomalyExplanation;
}

/** GET /predictions answers the core's predictions as they are: one per entity and horizon. */
export type { Prediction } from '@sextant/core/predict';

export type RecommendationStatus = 'open' | 'applied' | 'dismissed' | 'expired';
export const RECOMMENDATION_STATUSES: RecommendationStatus[] = ['open', 'applied', 'dismissed', 'expired'];

/** A ranked recommendation (GET /recommendations). */
export interface Recommendation {
  id: string;
  kind: string;
  entity: string;
  action: string;
  context: string;
  severity: 'info' | 'warning' | 'critical';
  priority: number;
  title: string;
  explanation: string;
  evidence: Array<{ name: string; value: number | string; unit?: string }>;
  runbookUrl?: string;
  status: RecommendationStatus;
  createdAt: number;
  updatedAt: number;
  rank: number;
  /** What outcomes and feedback taught about this action here: the posterior mean of "it helped". */
  posterior: { mean: number; count: number; rate: number | null };
}

/** One state change of one alert (GET /alerts/history). */
export interface AlertEvent {
  fingerprint: string;
  startsAtMs: number;
  seq: number;
  state: 'firing' | 'silenced' | 'inhibited' | 'resolved';
  endsAtMs: number | null;
  /** When Sextant recorded the change. */
  observedAtMs: number;
  /** How it was recorded: Alertmanager's webhook, reconciliation with Alertmanager, or the demo. */
  source: 'webhook' | 'reconcile' | 'demo';
  alertname: string;
  service: string;
  severity: string;
  labels: Labels;
  annotations: Record<string, string>;
  suppressedBy: string[];
}

export interface DatasetInfo {
  name: string;
  /** The PromQL the dataset is ingested with. */
  query: string;
  keepLabels: string[];
  stepMs: number;
  watermark: number | null;
}

/** A reference table of the tenant (GET /api/v1/reference): business data queries can join. */
export interface ReferenceTableInfo {
  name: string;
  columns: Array<{ name: string; type: 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp' }>;
  key: string[];
  rows: number;
}

export interface IngestRun {
  dataset: string;
  rows: number;
  status: 'ok' | 'error';
  error?: string;
  finishedAt: number;
}

/** A generated report (GET /reports, POST /reports): times in RFC 3339, `to` exclusive. */
export interface ReportInfo {
  id: string;
  period: 'daily' | 'weekly' | 'monthly';
  format: 'html' | 'pdf' | 'xlsx' | 'csv' | 'parquet';
  from: string;
  to: string;
  createdAt: string;
  /** Made before its period was over: it counts the period only up to createdAt. */
  partial: boolean;
  trigger: 'api' | 'schedule';
  status: 'ok' | 'error';
  error?: string;
  /** Size of the file (one-file formats). */
  bytes?: number;
  /** Present when the report is ready: the path of its download route. */
  download?: string;
  /** csv and parquet: one file per table, downloaded with ?table=NAME. */
  tables?: string[];
}

/** A stored failure model (GET /predictions/models), newest first. */
export interface PredictionModel {
  version: number;
  horizonMs: number;
  trainedAt: number;
  trainingRange: { start: number; end: number };
  featureNames: string[];
  /** On the held-out (most recent) windows of its training range. */
  evaluation: Evaluation;
  trainRows: number;
  testRows: number;
}

/** One entry of the audit log (GET /api/v1/audit). */
export interface AuditEntry {
  id: number;
  at: string;
  tokenName: string;
  role: string;
  action: string;
  target?: string;
  request: string;
  detail?: string;
  status: number;
  result: 'ok' | 'denied' | 'refused' | 'failed';
  error?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** The cursor of the next (older) page; null on the last. */
  next: string | null;
}
