// Turns a BiQuery into parameterised SQL. User strings (dataset, label names, label values,
// regexes) only ever travel as parameters; table and column names come from fixed maps.
import { BUCKETS, FILTER_OPS, MEASURES, type BiQuery, type LabelFilter, type Measure } from '@sextant/core';
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
  query.groupBy.forEach((label, i) => checkLabelName(label, `query.groupBy[${i}]`));
  if (new Set(query.groupBy).size !== query.groupBy.length) throw new QueryError('query.groupBy: a label is listed twice');
  if (!Array.isArray(query.filters)) throw new QueryError('query.filters: expected a list of {label, op, value}');
  query.filters.forEach((f, i) => checkFilter(f, `query.filters[${i}]`));
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

function checkFilter(filter: LabelFilter, where: string): void {
  if (typeof filter !== 'object' || filter === null) throw new QueryError(`${where}: expected {label, op, value}`);
  checkLabelName(filter.label, `${where}.label`);
  if (!(FILTER_OPS as readonly string[]).includes(filter.op)) {
    throw new QueryError(`${where}.op: "${String(filter.op)}" is not an operator; expected one of ${FILTER_OPS.join(', ')}`);
  }
  if (typeof filter.value !== 'string') throw new QueryError(`${where}.value: expected a string`);
}

/** A label's value on `series s`, '' when the series lacks it (as in PromQL). */
function labelValue(params: Params, label: string): string {
  return `coalesce(map_extract_value(s.labels, ${params.add(label)}), '')`;
}

function filterSql(params: Params, filter: LabelFilter): string {
  const value = labelValue(params, filter.label);
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
 * `FROM series s WHERE ...` (a day of slack covers the widest bucket overlapping the range).
 */
function seriesWhere(params: Params, tenant: string, query: BiQuery): string {
  const conditions = [
    `s.tenant = ${params.add(tenant)}`,
    `s.dataset = ${params.add(query.dataset)}`,
    `s.last_seen_ms >= ${params.add(query.range.start - DAY_MS)}`,
    `s.first_seen_ms < ${params.add(query.range.end)}`,
  ];
  for (const filter of query.filters) conditions.push(filterSql(params, filter));
  return `FROM series s WHERE ${conditions.join(' AND ')}`;
}

export function countSeriesSql(tenant: string, query: BiQuery): CompiledSql {
  const params = new Params();
  return { sql: `SELECT count(*) AS n ${seriesWhere(params, tenant, query)}`, params: params.values };
}

const ROLLUP_MEASURE: Record<Measure, string> = {
  count: 'sum(r.count)',
  sum: 'sum(r.sum)',
  min: 'min(r.min)',
  max: 'max(r.max)',
  avg: 'sum(r.sum) / sum(r.count)',
  // Exact for one series; across several, the count-weighted mean of their percentiles
  // (percentiles do not combine exactly, and the frame's meta says so).
  p50: 'sum(r.p50 * r.count) / sum(r.count)',
  p95: 'sum(r.p95 * r.count) / sum(r.count)',
  p99: 'sum(r.p99 * r.count) / sum(r.count)',
  // The latest sample's value; when several series share that time, the largest (deterministic).
  last: 'arg_max(r.last, (r.last_ts, r.last))',
};

// At the raw level each timestamp is its own bucket: measures aggregate the group's series at it
// (`last` of several series at one time is, as for rollups, the largest).
const RAW_MEASURE: Record<Measure, string> = {
  count: 'count(*)',
  sum: 'sum(r.value)',
  min: 'min(r.value)',
  max: 'max(r.value)',
  avg: 'avg(r.value)',
  p50: 'quantile_cont(r.value, 0.5)',
  p95: 'quantile_cont(r.value, 0.95)',
  p99: 'quantile_cont(r.value, 0.99)',
  last: 'max(r.value)',
};

/**
 * One row per (group, time): columns g0..gN (group label values), `time` (bucket start, ms),
 * `series_rows` (series rows merged into the row) and one `m_<measure>` per measure. Asks for
 * `maxRows + 1` rows so that the caller can tell an overflow from an exact fit.
 */
export function aggregateSql(tenant: string, query: BiQuery, maxRows: number): CompiledSql {
  const params = new Params();
  const groups = query.groupBy.map((label, i) => `${labelValue(params, label)} AS g${i}`);
  const seriesCte = `SELECT s.series_id${groups.map((g) => `, ${g}`).join('')} ${seriesWhere(params, tenant, query)}`;
  const groupCols = query.groupBy.map((_, i) => `s.g${i}`);
  const raw = query.bucket === 'raw';
  const table = raw ? LEVEL_TABLE.points : LEVEL_TABLE[query.bucket as Exclude<typeof query.bucket, 'raw'>];
  const time = raw ? 'r.ts' : 'r.bucket';
  const width = raw ? 1 : LEVEL_WIDTH_MS[query.bucket as Exclude<typeof query.bucket, 'raw'>];
  const measures = query.measures.map((m) => `${(raw ? RAW_MEASURE : ROLLUP_MEASURE)[m]} AS m_${m}`);
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
