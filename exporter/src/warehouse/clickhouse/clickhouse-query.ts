// BiQuery on ClickHouse: the same answers as query-sql.ts gives on DuckDB (the contract suite
// compares them), every value written as a literal by sql-literal.ts. Reference-table joins are
// DuckDB's only for now.
import type { BiQuery, LabelFilter, Measure } from '@sextant/core';
import { LEVEL_TABLE, LEVEL_WIDTH_MS } from '../levels.js';
import { QueryError } from '../query-error.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { labelMatchSql, labelValue } from './clickhouse-labels.js';
import { interpolatedQuantile } from './clickhouse-rollup.js';
import { sqlNumber, sqlString } from './sql-literal.js';

const DAY_MS = LEVEL_WIDTH_MS['1d'];

function filterSql(filter: LabelFilter): string {
  return labelMatchSql(filter.label, filter.op, filter.value);
}

function seriesWhere(tenant: string, query: BiQuery): string {
  return [
    `tenant = ${sqlString(tenant)}`,
    `dataset = ${sqlString(query.dataset)}`,
    `last_seen_ms >= ${sqlNumber(query.range.start - DAY_MS)}`,
    `first_seen_ms < ${sqlNumber(query.range.end)}`,
    ...query.filters.map(filterSql),
  ].join(' AND ');
}

export function countSeriesClickHouse(db: ClickHouseConnection, tenant: string, query: BiQuery): string {
  if (query.join) throw new QueryError('query.join: joins with reference tables need the DuckDB warehouse');
  return `SELECT count() AS n FROM ${db.table('series')} FINAL WHERE ${seriesWhere(tenant, query)}`;
}

function measureSql(measure: Measure, raw: boolean): string {
  if (raw) {
    const RAW: Record<Measure, string> = {
      count: 'count()',
      sum: 'sum(value)',
      min: 'min(value)',
      max: 'max(value)',
      avg: 'avg(value)',
      p50: interpolatedQuantile('arraySort(groupArray(value))', 'count()', 0.5),
      p95: interpolatedQuantile('arraySort(groupArray(value))', 'count()', 0.95),
      p99: interpolatedQuantile('arraySort(groupArray(value))', 'count()', 0.99),
      last: 'max(value)',
    };
    return RAW[measure];
  }
  const ROLLUP: Record<Measure, string> = {
    count: 'sum(count)',
    sum: 'sum(sum)',
    min: 'min(min)',
    max: 'max(max)',
    avg: 'sum(sum) / sum(count)',
    p50: 'sum(p50 * count) / sum(count)',
    p95: 'sum(p95 * count) / sum(count)',
    p99: 'sum(p99 * count) / sum(count)',
    last: 'argMax(last, (last_ts, last))',
  };
  return ROLLUP[measure];
}

/** Rows as aggregateSql's: g0..gN, time, series_rows, m_<measure>; at most maxRows + 1. */
export function aggregateClickHouse(db: ClickHouseConnection, tenant: string, query: BiQuery, maxRows: number): string {
  const raw = query.bucket === 'raw';
  const level = query.bucket as Exclude<BiQuery['bucket'], 'raw'>;
  const table = db.table(raw ? LEVEL_TABLE.points : LEVEL_TABLE[level]);
  const time = raw ? 'ts' : 'bucket';
  const width = raw ? 1 : LEVEL_WIDTH_MS[level];
  const groups = query.groupBy.map((label, i) => `${labelValue(label)} AS g${i}`);
  const groupCols = query.groupBy.map((_, i) => `g${i}`);
  const keys = [...groupCols, 'time'];
  return `SELECT ${[...groupCols, `${time} AS time`, 'count() AS series_rows', ...query.measures.map((m) => `${measureSql(m, raw)} AS m_${m}`)].join(', ')}
    FROM ${table} ${raw ? '' : 'FINAL'}
    ALL INNER JOIN (SELECT series_id${groups.map((g) => `, ${g}`).join('')} FROM ${db.localTable('series')} FINAL WHERE ${seriesWhere(tenant, query)}) AS s USING series_id
    WHERE tenant = ${sqlString(tenant)} AND dataset = ${sqlString(query.dataset)}
      AND ${time} > ${sqlNumber(query.range.start - width)} AND ${time} < ${sqlNumber(query.range.end)}
    GROUP BY ${keys.join(', ')}
    ORDER BY ${keys.join(', ')}
    LIMIT ${sqlNumber(maxRows + 1)}`;
}
