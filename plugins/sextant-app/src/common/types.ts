import type { Labels } from '@sextant/core';
import type { Severity } from '@sextant/core/anomaly';
import type { AlertStats } from '@sextant/core/alerts';

/**
 * Shapes of Sextant's HTTP API (docs/api.md) as the plugin reads them, named as the service names
 * them. Times are Unix ms.
 */

export type { Severity } from '@sextant/core/anomaly';
export type { AlertStats } from '@sextant/core/alerts';

/** An anomaly event: a run of anomalous points of one series, explained at its peak (times in ms). */
export interface AnomalyEvent {
  dataset: string;
  labels: Labels;
  start: number;
  end: number;
  peakScore: number;
  peakAt: number;
  severity: Severity;
  detector: string;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  /** (value - expected) in robust standard deviations. */
  deviation: number;
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
  explanation: { detector: string; value: number; expected: number; lower: number; upper: number; deviation: number };
}

/** A failure prediction (GET /predictions) for one entity (a service or an instance). */
export interface Prediction {
  entity: string;
  horizonMs: number;
  at: number;
  probability: number;
  modelVersion: number;
  contributions: Array<{ feature: string; value: number; contribution: number }>;
  /** A counted alert already fires: the failure is here, not ahead. */
  ongoing: boolean;
}

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


/** GET /alerts/analysis. */
export interface AlertAnalysis {
  from: number;
  to: number;
  total: AlertStats;
  byRule: Array<AlertStats & { key: string }>;
  byService: Array<AlertStats & { key: string }>;
  noisiest: Array<{ alertname: string; count: number }>;
  rulesWithoutRunbook: string[];
  flappingRules: string[];
}

/** One state change of one alert (GET /alerts/history). */
export interface AlertEvent {
  fingerprint: string;
  startsAtMs: number;
  seq: number;
  state: 'firing' | 'silenced' | 'inhibited' | 'resolved';
  endsAtMs: number | null;
  alertname: string;
  service: string;
  severity: string;
  labels: Labels;
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

export interface IngestRun {
  dataset: string;
  rows: number;
  status: 'ok' | 'error';
  error?: string;
  finishedAt: number;
}

export interface ReportInfo {
  id: string;
  period: string;
  format: string;
  from: string;
  to: string;
  createdAt: string;
  status: string;
  error?: string;
  /** Present when the report is ready and is one file (html, pdf, xlsx). */
  download?: string;
}
