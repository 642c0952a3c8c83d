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

/**
 * A reference table (the tenant's business data) joined to the dataset's series: a series matches
 * the row whose `column` equals its `label`. The table's columns can then be grouped by and filtered
 * on as `<table>.<column>` (a series without a row has '' there, as a missing label has).
 */
export interface ReferenceJoin {
  table: string;
  label: string;
  column: string;
  /**
   * A number column each series' values are multiplied by before they are aggregated (cost per
   * CPU-hour, say); `count` is not scaled, and a series without a row drops out of scaled measures.
   */
  scaleBy?: string;
}

/** A structured BI query: never SQL, always turned into parameterised SQL by the warehouse. */
export interface BiQuery {
  dataset: string;
  measures: Measure[];
  /** Label names, and `<table>.<column>` of the joined reference table. */
  groupBy: string[];
  filters: LabelFilter[];
  bucket: Bucket;
  range: TimeRange;
  join?: ReferenceJoin;
}

/** `hosts.team` names column `team` of the joined reference table `hosts`. */
export const REFERENCE_FIELD = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;
