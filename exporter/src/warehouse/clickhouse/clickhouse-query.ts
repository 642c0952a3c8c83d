// BiQuery on ClickHouse: the same answers as query-sql.ts gives on DuckDB (the contract suite
// compares them), every value written as a literal by sql-literal.ts.
//
// A join with a reference table (clickhouse-reference-store.ts) is made once per series, not per
// point: the series rows that pass the filters meet the table's rows on the label's text, which
// gives each series its groups (and its scale), and the points or rollups join that. On a cluster
// the series and the reference table are read whole (Distributed) on the server Sextant talks to,
// and GLOBAL JOIN sends the result, at most query.maxSeries rows, to every shard.
import { REFERENCE_FIELD, type BiQuery, type LabelFilter, type Measure } from '@sextant/core';
import { LEVEL_TABLE, LEVEL_WIDTH_MS } from '../levels.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { labelValue, matchSql } from './clickhouse-labels.js';
import { column } from './clickhouse-reference-store.js';
import { interpolatedQuantile } from './clickhouse-rollup.js';
import { sqlNumber, sqlString } from './sql-literal.js';

const DAY_MS = LEVEL_WIDTH_MS['1d'];

/** The joined reference table's column `name` as it comes out of the join. */
const referenceAlias = (name: string): string => `ref_${name}`;

/** A label's value, or a joined reference column's text ('' for a series without a row). */
function fieldValue(name: string): string {
  const reference = REFERENCE_FIELD.exec(name);
  return reference ? `ifNull(${referenceAlias(reference[2]!)}, '')` : labelValue(name);
}

function filterSql(filter: LabelFilter): string {
  return matchSql(fieldValue(filter.label), filter.op, filter.value);
}

function seriesWhere(tenant: string, query: BiQuery, filters: boolean): string {
  return [
    `tenant = ${sqlString(tenant)}`,
    `dataset = ${sqlString(query.dataset)}`,
    `last_seen_ms >= ${sqlNumber(query.range.start - DAY_MS)}`,
    `first_seen_ms < ${sqlNumber(query.range.end)}`,
    ...(filters ? query.filters.map(filterSql) : []),
  ].join(' AND ');
}

/**
 * The series of the query with their groups g0..gN, as a subquery. Without a join, each shard reads
 * its own series rows. With one, every series row meets the reference row whose join column's text
 * equals its label (a LEFT JOIN: a series without a row keeps '' for the table's columns), then the
 * filters apply; scaled queries keep the series with a scale, as `w`. `referenceTable` is where the
 * join table's rows are; its join column holds each value once (the caller checks).
 */
function seriesSubquery(db: ClickHouseConnection, tenant: string, query: BiQuery, referenceTable: string | undefined): string {
  const groups = query.groupBy.map((label, i) => `, ${fieldValue(label)} AS g${i}`).join('');
  const join = query.join;
  if (!join) return `SELECT series_id${groups} FROM ${db.localTable('series')} FINAL WHERE ${seriesWhere(tenant, query, true)}`;
  if (referenceTable === undefined) throw new Error('seriesSubquery: the query joins a reference table, but its SQL table was not given');
  const used = new Set([...query.groupBy, ...query.filters.map((f) => f.label)].map((name) => REFERENCE_FIELD.exec(name)?.[2]).filter((name) => name !== undefined));
  const referenceColumns = [...used].map((name) => `, ${column(name)} AS ${referenceAlias(name)}`).join('');
  const scale = join.scaleBy === undefined ? '' : `, toFloat64OrNull(ifNull(${column(join.scaleBy)}, '')) AS scale`;
  return `SELECT series_id${groups}${join.scaleBy === undefined ? '' : ', assumeNotNull(scale) AS w'}
    FROM (SELECT series_id, label_names, label_values, ${labelValue(join.label)} AS join_key FROM ${db.table('series')} FINAL WHERE ${seriesWhere(tenant, query, false)}) AS series_rows
    ALL LEFT JOIN (SELECT assumeNotNull(${column(join.column)}) AS join_key${referenceColumns}${scale} FROM ${referenceTable} WHERE ${column(join.column)} IS NOT NULL) AS reference_rows USING join_key
    WHERE ${[...query.filters.map(filterSql), ...(join.scaleBy === undefined ? [] : ['isNotNull(scale)'])].join(' AND ') || '1'}`;
}

export function countSeriesClickHouse(db: ClickHouseConnection, tenant: string, query: BiQuery, referenceTable?: string): string {
  if (!query.join) return `SELECT count() AS n FROM ${db.table('series')} FINAL WHERE ${seriesWhere(tenant, query, true)}`;
  return `SELECT count() AS n FROM (${seriesSubquery(db, tenant, query, referenceTable)})`;
}

/** A measure as query-sql.ts's on DuckDB; with `scaled`, of each series' values times its scale `w`. */
function measureSql(measure: Measure, raw: boolean, scaled: boolean): string {
  const v = (name: string): string => (scaled ? `(${name} * w)` : name);
  if (raw) {
    const value = v('value');
    const sorted = `arraySort(groupArray(${value}))`;
    const RAW: Record<Measure, string> = {
      count: 'count()',
      sum: `sum(${value})`,
      min: `min(${value})`,
      max: `max(${value})`,
      avg: `avg(${value})`,
      p50: interpolatedQuantile(sorted, 'count()', 0.5),
      p95: interpolatedQuantile(sorted, 'count()', 0.95),
      p99: interpolatedQuantile(sorted, 'count()', 0.99),
      last: `max(${value})`,
    };
    return RAW[measure];
  }
  const ROLLUP: Record<Measure, string> = {
    count: 'sum(count)',
    sum: `sum(${v('sum')})`,
    // A negative scale turns a series' max into its min.
    min: scaled ? `min(least(${v('min')}, ${v('max')}))` : 'min(min)',
    max: scaled ? `max(greatest(${v('min')}, ${v('max')}))` : 'max(max)',
    avg: `sum(${v('sum')}) / sum(count)`,
    p50: `sum(${v('p50')} * count) / sum(count)`,
    p95: `sum(${v('p95')} * count) / sum(count)`,
    p99: `sum(${v('p99')} * count) / sum(count)`,
    last: `argMax(${v('last')}, (last_ts, ${v('last')}))`,
  };
  return ROLLUP[measure];
}

/** Rows as aggregateSql's: g0..gN, time, series_rows, m_<measure>; at most maxRows + 1. */
export function aggregateClickHouse(db: ClickHouseConnection, tenant: string, query: BiQuery, maxRows: number, referenceTable?: string): string {
  const raw = query.bucket === 'raw';
  const level = query.bucket as Exclude<BiQuery['bucket'], 'raw'>;
  const table = db.table(raw ? LEVEL_TABLE.points : LEVEL_TABLE[level]);
  const time = raw ? 'ts' : 'bucket';
  const width = raw ? 1 : LEVEL_WIDTH_MS[level];
  const groupCols = query.groupBy.map((_, i) => `g${i}`);
  const keys = [...groupCols, 'time'];
  return `SELECT ${[...groupCols, `${time} AS time`, 'count() AS series_rows', ...query.measures.map((m) => `${measureSql(m, raw, query.join?.scaleBy !== undefined)} AS m_${m}`)].join(', ')}
    FROM ${table} ${raw ? '' : 'FINAL'}
    ${query.join ? 'GLOBAL ' : ''}ALL INNER JOIN (${seriesSubquery(db, tenant, query, referenceTable)}) AS s USING series_id
    WHERE tenant = ${sqlString(tenant)} AND dataset = ${sqlString(query.dataset)}
      AND ${time} > ${sqlNumber(query.range.start - width)} AND ${time} < ${sqlNumber(query.range.end)}
    GROUP BY ${keys.join(', ')}
    ORDER BY ${keys.join(', ')}
    LIMIT ${sqlNumber(maxRows + 1)}`;
}
