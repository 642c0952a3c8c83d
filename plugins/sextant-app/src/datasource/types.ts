import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import type { Bucket, LabelFilter, Measure, ReferenceJoin } from '@sextant/core';

/**
 * What a query asks for: a BI query on the warehouse (`bi`), or Sextant's events as frames
 * (anomaly events and alert history also serve as annotations; recommendations feed the
 * recommendations panel).
 */
export type QueryKind = 'bi' | 'anomalies' | 'alerts' | 'recommendations';

export interface SextantQuery extends DataQuery {
  kind?: QueryKind;
  dataset?: string;
  measures?: Measure[];
  groupBy?: string[];
  filters?: LabelFilter[];
  bucket?: Bucket;
  /** A reference table joined on a label; its columns are grouped by and filtered on as `table.column`. */
  join?: ReferenceJoin;
}

export const DEFAULT_QUERY: Partial<SextantQuery> = {
  kind: 'bi',
  measures: ['avg'],
  groupBy: [],
  filters: [],
  bucket: '1h',
};

export interface SextantOptions extends DataSourceJsonData {
  url?: string;
}

export interface SextantSecureJsonData {
  token?: string;
}
