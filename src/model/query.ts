import type { TimeRange } from './series.js';

/** Resolutions of the warehouse: granular points and the three rollup levels. */
export const BUCKETS = ['raw', '5m', '1h', '1d'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Aggregates each rollup row holds. */
export const MEASURES = ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'] as const;
export type Measure = (typeof MEASURES)[number];

export const FILTER_OPS = ['=', '!=', '=~', '!~'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface LabelFilter {
  label: string;
  op: FilterOp;
  value: string;
}

/** A structured BI query: never SQL, always turned into parameterised SQL by the warehouse. */
export interface BiQuery {
  dataset: string;
  measures: Measure[];
  groupBy: string[];
  filters: LabelFilter[];
  bucket: Bucket;
  range: TimeRange;
}
