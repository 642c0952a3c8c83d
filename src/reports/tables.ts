// What the report is built from: plain rows, one shape per warehouse query. Times are Unix ms (UTC).
import type { Sample, TimeRange } from '../model/index.js';

/** One metric of one service over one period: the time-weighted mean of its hourly rollups. */
export interface ServiceMetricRow {
  service: string;
  /** Dataset name: up, http_requests_per_second, http_error_ratio, http_request_duration_p95_seconds, ... */
  metric: string;
  period: 'current' | 'previous';
  mean: number;
  max: number;
  /** Samples behind the mean. */
  count: number;
}

export interface AlertRow {
  alertname: string;
  service: string;
  severity: string;
  startsAt: number;
  /** Undefined while still firing. */
  endsAt: number | undefined;
}

export interface AnomalyRow {
  dataset: string;
  seriesKey: string;
  startMs: number;
  endMs: number;
  peakScore: number;
  severity: string;
  detector: string;
  value: number;
  expected: number;
  /** The series around the event, for its small plot. */
  samples: Sample[];
}

/** A capacity series (a ratio that can fill up) as hourly means over the period. */
export interface CapacityRow {
  dataset: string;
  entity: string;
  samples: Sample[];
}

export interface RiskRow {
  entity: string;
  horizonMs: number;
  maxProbability: number;
  lastProbability: number;
  lastAt: number;
}

export interface RecommendationRow {
  id: string;
  kind: string;
  entity: string;
  title: string;
  severity: string;
  status: string;
  createdAt: number;
  appliedAt: number | undefined;
  outcome: string | undefined;
}

export interface IngestRow {
  dataset: string;
  runs: number;
  failedRuns: number;
  rows: number;
  lastError: string | undefined;
  /** Start of each hour of the period with at least one sample. */
  coveredHours: number[];
  /** Time of the dataset's first sample ever stored (data is expected from then on); null if it has none. */
  firstSampleAt: number | null;
}

export interface ReportInput {
  tenant: string;
  period: 'daily' | 'weekly' | 'monthly';
  range: TimeRange;
  previous: TimeRange;
  /** When the report is made: a period that ends later is partial, and nothing after this counts. */
  generatedAt: number;
  /** Availability objective per service (from the SLOs), else `defaultObjective`. */
  objectives: Record<string, number>;
  defaultObjective: number;
  /** Capacity threshold (ratio) a forecast must reach to count as "fills up". */
  capacityThreshold: number;
  services: ServiceMetricRow[];
  alerts: AlertRow[];
  anomalies: AnomalyRow[];
  capacity: CapacityRow[];
  risk: RiskRow[];
  recommendations: RecommendationRow[];
  ingest: IngestRow[];
  /** Per dataset, the hours of the previous period with at least one sample (a dataset without any is absent). */
  previousCoveredHours: Record<string, number>;
}
