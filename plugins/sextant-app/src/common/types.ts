import type { Labels } from '@sextant/core';

/** Shapes of Sextant's HTTP API (docs/api.md) as the plugin reads them. Times are Unix ms. */

/** The core's severities (src/anomaly/severity.ts). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AnomalyEvent {
  id: string;
  /** The scored series' labels, `__name__` included. */
  series: Labels;
  service?: string;
  time: number;
  score: number;
  severity: Severity;
  value: number;
  expected: number;
  upper: number;
  lower: number;
  detector: string;
  explanation: string;
  /** Points around the event with their band, for the sparkline. */
  window?: Array<{ t: number; v: number | null; upper?: number | null; lower?: number | null }>;
}

export interface Prediction {
  service: string;
  /** Probability of a failure within the horizon, in [0,1]. */
  risk: number;
  horizonMs: number;
  time: number;
  explanation?: string;
  features?: Array<{ name: string; importance: number }>;
}

export type RecommendationStatus = 'open' | 'applied' | 'dismissed';

export interface Recommendation {
  id: string;
  policy: string;
  title: string;
  description: string;
  service?: string;
  status: RecommendationStatus;
  time: number;
  /** Share of earlier recommendations of this policy that helped, learned from feedback; null before any. */
  successRate: number | null;
}

export interface AlertAnalysis {
  mttrSeconds: number | null;
  rules: Array<{ alertname: string; firings: number; mttrSeconds: number | null; flapping: boolean }>;
  flapping: Array<{ alertname: string; labels: Labels; transitions: number }>;
  noisiest: Array<{ alertname: string; firings: number }>;
  suppressed: Array<{ alertname: string; labels: Labels; state: 'silenced' | 'inhibited'; time: number }>;
}

export interface AlertHistoryEntry {
  fingerprint: string;
  labels: Labels;
  status: 'firing' | 'resolved';
  startsAt: number;
  endsAt?: number;
  silenced?: boolean;
  inhibited?: boolean;
}

export interface DatasetInfo {
  name: string;
  labels: string[];
}

export interface IngestStatus {
  dataset: string;
  watermark: number | null;
  lastRunAt: number | null;
  lastError?: string | null;
}

export interface ReportInfo {
  id: string;
  name: string;
  time: number;
  formats: string[];
}

export interface SloChoice {
  service: string;
  objective: number;
}

export interface ThresholdChoice {
  metric: string;
  op: '>' | '<';
  value: number;
  forSeconds: number;
}
