// The finished report: a summary in words, tables (what every format renders) and chart data.
import type { Sample, TimeRange } from '../model/index.js';
import type { ReportPeriod } from './period.js';

/** How a column's numbers read: `time` cells are Unix ms (UTC), `ratio` cells are 0..1. */
export type ColumnKind = 'text' | 'number' | 'ratio' | 'time';
export type Cell = string | number | null;

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
  /** Unit shown in the header, e.g. "req/s", "s", "%" (for ratios), "UTC". */
  unit?: string;
}

export interface ReportTable {
  /** File-name-safe id: services, alert_rules, anomalies, capacity, failure_risk, recommendations, ingest. */
  name: string;
  title: string;
  columns: ReportColumn[];
  rows: Record<string, Cell>[];
  /** Said instead of an empty table. */
  emptyText: string;
}

export interface BarDatum {
  label: string;
  value: number;
  /** A second bar (previous period) or a target line (objective). */
  reference?: number;
}

export interface SparkChart {
  title: string;
  samples: Sample[];
  /** Highlighted span (an anomaly) or the forecast continuation (capacity). */
  highlight?: TimeRange;
  forecast?: Sample[];
  threshold?: number;
}

export interface Report {
  tenant: string;
  period: ReportPeriod;
  range: TimeRange;
  previous: TimeRange;
  generatedAt: number;
  /**
   * True when the period was not over when the report was made: every number covers the period only
   * up to `generatedAt` (alerts fire until then, gaps are counted up to its last complete hour).
   */
  partial: boolean;
  /** False when the warehouse held nothing at all for the tenant in the period. */
  hasData: boolean;
  summary: string[];
  tables: ReportTable[];
  charts: {
    availability: BarDatum[];
    latencyP95: BarDatum[];
    anomalies: SparkChart[];
    capacity: SparkChart[];
  };
}
