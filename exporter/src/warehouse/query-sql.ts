// Turns a BiQuery into parameterised SQL. User strings (dataset, label names, label values,
// regexes) only ever travel as parameters; table and column names come from fixed maps, except a
// joined reference table's, which is the catalog's reference_<n> and columns checked to be
// identifiers that the table has.
import { BUCKETS, FILTER_OPS, MEASURES, REFERENCE_FIELD, type BiQuery, type LabelFilter, type Measure } from '@sextant/core';
import { LEVEL_TABLE, LEVEL_WIDTH_MS } from './levels.js';
import { QueryError } from './query-error.js';
import type { SqlParam } from './duckdb-handle.js';

const DAY_MS = LEVEL_WIDTH_MS['1d'];

/** Prometheus' label name syntax; anything else cannot be a label of an ingested series. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface CompiledSql {
  sql: string;
  params: SqlParam[];
}

class Params {
  readonly values: SqlParam[] = [];
  add(value: SqlParam): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export const PERCENTILES: readonly Measure[] = ['p50', 'p95', 'p99'];

export function validateQuery(query: BiQuery): void {
  if (typeof query !== 'object' || query === null) throw new QueryError('query: expected an object');
  if (typeof query.dataset !== 'string' || query.dataset === '') throw new QueryError('query.dataset: expected a non-empty string');
  if (!(BUCKETS as readonly string[]).includes(query.bucket)) {
    throw new QueryError(`query.bucket: "${String(query.bucket)}" is not a bucket; expected one of ${BUCKETS.join(', ')}`);
  }
  if (!Array.isArray(query.measures) || query.measures.length === 0) {
    throw new QueryError(`query.measures: expected a non-empty list of ${MEASURES.join(', ')}`);
  }
  query.measures.forEach((m, i) => {
    if (!(MEASURES as readonly string[]).includes(m)) {
      throw new QueryError(`query.measures[${i}]: "${String(m)}" is not a measure; expected one of ${MEASURES.join(', ')}`);
    }
  });
  if (new Set(query.measures).size !== query.measures.length) throw new QueryError('query.measures: a measure is listed twice');
  if (!Array.isArray(query.groupBy)) throw new QueryError('query.groupBy: expected a list of label names');
  checkJoin(query);
  query.groupBy.forEach((label, i) => checkFieldName(query, label, `query.groupBy[${i}]`));
  if (new Set(query.groupBy).size !== query.groupBy.length) throw new QueryError('query.groupBy: a label is listed twice');
  if (!Array.isArray(query.filters)) throw new QueryError('query.filters: expected a list of {label, op, value}');
  query.filters.forEach((f, i) => checkFilter(query, f, `query.filters[${i}]`));
  const range = query.range as { start?: unknown; end?: unknown } | undefined;
  if (!range || !Number.isFinite(range.start) || !Number.isFinite(range.end)) {
    throw new QueryError('query.range: expected {start, end} in Unix milliseconds');
  }
  if ((range.start as number) >= (range.end as number)) {
    throw new QueryError(`query.range: start (${String(range.start)}) must be before end (${String(range.end)})`);
  }
}

function checkLabelName(label: unknown, where: string): void {
  if (typeof label !== 'string' || !LABEL_NAME.test(label)) {
    throw new QueryError(`${where}: ${JSON.stringify(label)} is not a label name; expected [a-zA-Z_][a-zA-Z0-9_]*`);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkJoin(query: BiQuery): void {
  const join = query.join;
  if (join === undefined) return;
  if (typeof join !== 'object' || join === null) throw new QueryError('query.join: expected {table, label, column, scaleBy?}');
  if (typeof join.table !== 'string' || !IDENTIFIER.test(join.table)) throw new QueryError(`query.join.table: ${JSON.stringify(join.table)} is not a reference table name`);
  checkLabelName(join.label, 'query.join.label');
  if (typeof join.column !== 'string' || !IDENTIFIER.test(join.column)) throw new QueryError(`query.join.column: ${JSON.stringify(join.column)} is not a column name`);
  if (join.scaleBy !== undefined && (typeof join.scaleBy !== 'string' || !IDENTIFIER.test(join.scaleBy))) {
    throw new QueryError(`query.join.scaleBy: ${JSON.stringify(join.scaleBy)} is not a column name`);
  }
}

/** A label name, or `<table>.<column>` of the joined reference table. */
function checkFieldName(query: BiQuery, name: unknown, where: string): void {
  const reference = typeof name === 'string' ? REFERENCE_FIELD.exec(name) : null;
  if (!reference) return checkLabelName(name, where);
  if (!query.join) throw new QueryError(`${where}: ${JSON.stringify(name)} names a reference table's column, but the query joins no table (query.join)`);
  if (reference[1] !== query.join.table) throw new QueryError(`${where}: ${JSON.stringify(name)}: the query joins table ${query.join.table}, not ${reference[1]}`);
}

function checkFilter(query: BiQuery, filter: LabelFilter, where: string): void {
  if (typeof filter !== 'object' || filter === null) throw new QueryError(`${where}: expected {label, op, value}`);
  checkFieldName(query, filter.label, `${where}.label`);
  if (!(FILTER_OPS as readonly string[]).includes(filter.op)) {
    throw new QueryError(`${where}.op: "${String(filter.op)}" is not an operator; expected one of ${FILTER_OPS.join(', ')}`);
  }
  if (typeof filter.value !== 'string') throw new QueryError(`${where}.value: expected a string`);
}

/** A label's value on `series s`, '' when the series lacks it (as in PromQL). */
function labelValue(params: Params, label: string): string {
  return `coalesce(map_extract_value(s.labels, ${params.add(label)}), '')`;
}

/** A label's value, or a joined reference column's as text ('' for a series without a row). */
function fieldValue(params: Params, name: string): string {
  const reference = REFERENCE_FIELD.exec(name);
  return reference ? `coalesce(CAST(j."${reference[2]}" AS VARCHAR), '')` : labelValue(params, name);
}

function filterSql(params: Params, filter: LabelFilter): string {
  const value = fieldValue(params, filter.label);
  const operand = params.add(filter.value);
  switch (filter.op) {
    case '=':
      return `${value} = ${operand}`;
    case '!=':
      return `${value} <> ${operand}`;
    case '=~':
      return `regexp_full_match(${value}, ${operand})`;
    case '!~':
      return `NOT regexp_full_match(${value}, ${operand})`;
  }
}

/**
 * The tenant's series of the dataset that pass every filter and have samples near the range, as
 * `FROM series s [LEFT JOIN <reference table> j ON ...] WHERE ...` (a day of slack covers the widest
 * bucket overlapping the range). `referenceTable` is where the query's join table keeps its rows;
 * its join column must be unique (the caller checks), so each series meets at most one row.
 */
function seriesWhere(params: Params, tenant: string, query: BiQuery, referenceTable: string | undefined): string {
  const conditions = [
    `s.tenant = ${params.add(tenant)}`,
    `s.dataset = ${params.add(query.dataset)}`,
    `s.last_seen_ms >= ${params.add(query.range.start - DAY_MS)}`,
    `s.first_seen_ms < ${params.add(query.range.end)}`,
  ];
  for (const filter of query.filters) conditions.push(filterSql(params, filter));
  let join = '';
  if (query.join) {
    if (referenceTable === undefined) throw new Error('aggregateSql: the query joins a reference table, but its SQL table was not given');
    join = ` LEFT JOIN ${referenceTable} j ON CAST(j."${query.join.column}" AS VARCHAR) = ${labelValue(params, query.join.label)}`;
    // Scaled measures take only the series that have a scale.
    if (query.join.scaleBy !== undefined) conditions.push(`j."${query.join.scaleBy}" IS NOT NULL`);
  }
  return `FROM series s${join} WHERE ${conditions.join(' AND ')}`;
}

export function countSeriesSql(tenant: string, query: BiQuery, referenceTable?: string): CompiledSql {
  const params = new Params();
  return { sql: `SELECT count(*) AS n ${seriesWhere(params, tenant, query, referenceTable)}`, params: params.values };
}

/**
 * A measure over rollup rows `r` (or points, at the raw level) of the series `s`; with `scaled`,
 * of each series' values multiplied by its scale `s.w`.
 */
function measureSql(measure: Measure, raw: boolean, scaled: boolean): string {
  const v = (column: string): string => (scaled ? `(r.${column} * s.w)` : `r.${column}`);
  if (raw) {
    // At the raw level each timestamp is its own bucket: measures aggregate the group's series at it
    // (`last` of several series at one time is, as for rollups, the largest).
    const value = v('value');
    const RAW: Record<Measure, string> = {
      count: 'count(*)',
      sum: `sum(${value})`,
      min: `min(${value})`,
      max: `max(${value})`,
      avg: `avg(${value})`,
      p50: `quantile_cont(${value}, 0.5)`,
      p95: `quantile_cont(${value}, 0.95)`,
      p99: `quantile_cont(${value}, 0.99)`,
      last: `max(${value})`,
    };
    return RAW[measure];
  }
  const ROLLUP: Record<Measure, string> = {
    count: 'sum(r.count)',
    sum: `sum(${v('sum')})`,
    // A negative scale turns a series' max into its min.
    min: scaled ? `min(least(${v('min')}, ${v('max')}))` : 'min(r.min)',
    max: scaled ? `max(greatest(${v('min')}, ${v('max')}))` : 'max(r.max)',
    avg: `sum(${v('sum')}) / sum(r.count)`,
    // Exact for one series; across several, the count-weighted mean of their percentiles
    // (percentiles do not combine exactly, and the frame's meta says so).
    p50: `sum(${v('p50')} * r.count) / sum(r.count)`,
    p95: `sum(${v('p95')} * r.count) / sum(r.count)`,
    p99: `sum(${v('p99')} * r.count) / sum(r.count)`,
    // The latest sample's value; when several series share that time, the largest (deterministic).
    last: `arg_max(${v('last')}, (r.last_ts, ${v('last')}))`,
  };
  return ROLLUP[measure];
}

/**
 * One row per (group, time): columns g0..gN (group label values), `time` (bucket start, ms),
 * `series_rows` (series rows merged into the row) and one `m_<measure>` per measure. Asks for
 * `maxRows + 1` rows so that the caller can tell an overflow from an exact fit. `source` is the
 * relation to read the level from when it is more than its table (the cold tier's files with it).
 */
export function aggregateSql(tenant: string, query: BiQuery, maxRows: number, referenceTable?: string, source?: string): CompiledSql {
  const params = new Params();
  const groups = query.groupBy.map((label, i) => `${fieldValue(params, label)} AS g${i}`);
  const scaled = query.join?.scaleBy !== undefined;
  if (scaled) groups.push(`CAST(j."${query.join!.scaleBy!}" AS DOUBLE) AS w`);
  const seriesCte = `SELECT s.series_id${groups.map((g) => `, ${g}`).join('')} ${seriesWhere(params, tenant, query, referenceTable)}`;
  const groupCols = query.groupBy.map((_, i) => `s.g${i}`);
  const raw = query.bucket === 'raw';
  const table = source ?? (raw ? LEVEL_TABLE.points : LEVEL_TABLE[query.bucket as Exclude<typeof query.bucket, 'raw'>]);
  const time = raw ? 'r.ts' : 'r.bucket';
  const width = raw ? 1 : LEVEL_WIDTH_MS[query.bucket as Exclude<typeof query.bucket, 'raw'>];
  const measures = query.measures.map((m) => `${measureSql(m, raw, scaled)} AS m_${m}`);
  const conditions = [
    `r.tenant = ${params.add(tenant)}`,
    `r.dataset = ${params.add(query.dataset)}`,
    // A bucket belongs to the answer when it overlaps the range.
    `${time} > ${params.add(query.range.start - width)}`,
    `${time} < ${params.add(query.range.end)}`,
  ];
  const keys = [...groupCols, time];
  const sql = `WITH s AS (${seriesCte})
    SELECT ${[...groupCols, `${time} AS time`, 'count(*) AS series_rows', ...measures].join(', ')}
    FROM ${table} r JOIN s ON r.series_id = s.series_id
    WHERE ${conditions.join(' AND ')}
    GROUP BY ${keys.join(', ')}
    ORDER BY ${keys.join(', ')}
    LIMIT ${params.add(maxRows + 1)}`;
  return { sql, params: params.values };
}
