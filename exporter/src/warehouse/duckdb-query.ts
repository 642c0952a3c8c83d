// Reads on DuckDB: BI queries (validated, limited, bound as parameters, optionally joined with a
// reference table) and Parquet export.
import type { BiQuery, DataFrame, TimeRange } from '@sextant/core';
import type { DuckDbColdTier } from './cold/duckdb-cold-tier.js';
import type { DuckDbHandle } from './duckdb-handle.js';
import { LEVEL_WIDTH_MS } from './levels.js';
import { exportSql, validateExportFile } from './export-sql.js';
import { QueryError } from './query-error.js';
import { toFrames } from './query-frames.js';
import { aggregateSql, countSeriesSql, validateQuery } from './query-sql.js';
import type { DuckDbReferenceStore } from './reference/duckdb-reference-store.js';
import { checkLevel, checkRange } from './warehouse-checks.js';
import type { QueryLimits } from './warehouse-settings.js';
import type { StorageLevel } from './warehouse.js';

export async function queryOnDuckDb(handle: DuckDbHandle, reference: DuckDbReferenceStore, cold: DuckDbColdTier, limits: QueryLimits, tenant: string, query: BiQuery): Promise<DataFrame[]> {
  validateQuery(query);
  for (const [i, filter] of query.filters.entries()) {
    if (filter.op !== '=~' && filter.op !== '!~') continue;
    await handle.read(`SELECT regexp_full_match('', $1)`, [filter.value]).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message.replace(/^Invalid Input Error: /, '') : String(error);
      throw new QueryError(`query.filters[${i}].value: ${JSON.stringify(filter.value)} is not a valid regular expression (${reason})`);
    });
  }
  const referenceTable = query.join ? await joinedTable(handle, reference, tenant, query) : undefined;
  const joined = <T>(reading: Promise<T>) => (referenceTable === undefined ? reading : whileJoined(reading, reference, tenant, query, referenceTable));
  const count = countSeriesSql(tenant, query, referenceTable);
  const [counted] = await joined(handle.read(count.sql, count.params));
  const matched = Number(counted?.n ?? 0);
  if (matched > limits.maxSeries) {
    throw new QueryError(
      `query: ${matched} series of dataset ${query.dataset} match, more than the limit of ${limits.maxSeries}; add filters`,
    );
  }
  const level: StorageLevel = query.bucket === 'raw' ? 'points' : query.bucket;
  const width = level === 'points' ? 1 : LEVEL_WIDTH_MS[level];
  // The cold files and the table in one snapshot: a day moving meanwhile is read from one of them.
  const rows = await joined(
    handle.readSession(async (session) => {
      const source = await cold.source(session, level, query.range.start - width, query.range.end);
      const aggregate = aggregateSql(tenant, query, limits.maxRows, referenceTable, source);
      return session.read(aggregate.sql, aggregate.params);
    }),
  );
  if (rows.length > limits.maxRows) {
    throw new QueryError(
      `query: the answer has more than ${limits.maxRows} rows (groups x buckets); use a coarser bucket, a shorter range or fewer groups`,
    );
  }
  return toFrames(query, rows);
}

/**
 * The result of `reading` from the joined table at `sqlTable`. An import or a drop of that table
 * between locating it and reading it leaves a name that is gone: then a 409 that says to run again.
 */
async function whileJoined<T>(reading: Promise<T>, reference: DuckDbReferenceStore, tenant: string, query: BiQuery, sqlTable: string): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if ((await reference.locate(tenant, query.join!.table))?.sqlTable === sqlTable) throw error;
    throw new QueryError(`query.join.table: table ${query.join!.table} was replaced or dropped while the query ran; run the query again`, 409);
  }
}

/**
 * Where the query's join table keeps its rows, once its columns are checked: the join column
 * must hold each value at most once (or a series would count once per row), the scale must be a number.
 */
async function joinedTable(handle: DuckDbHandle, reference: DuckDbReferenceStore, tenant: string, query: BiQuery): Promise<string> {
  const join = query.join!;
  const found = await reference.locate(tenant, join.table);
  if (!found) {
    const known = (await reference.list(tenant)).map((t) => t.name);
    throw new QueryError(`query.join.table: tenant ${tenant} has no reference table "${join.table}"; its tables: ${known.join(', ') || 'none (import one with sextant import)'}`);
  }
  const columns = new Map(found.table.columns.map((c) => [c.name, c.type]));
  const named = [
    ['query.join.column', join.column],
    ...(join.scaleBy === undefined ? [] : [['query.join.scaleBy', join.scaleBy]]),
    ...[...query.groupBy, ...query.filters.map((f) => f.label)].filter((n) => n.includes('.')).map((n) => ['query', n.slice(join.table.length + 1)]),
  ];
  for (const [where, column] of named) {
    if (!columns.has(column!)) throw new QueryError(`${where}: table ${join.table} has no column ${column}; its columns: ${[...columns.keys()].join(', ')}`);
  }
  const scaleType = join.scaleBy === undefined ? undefined : columns.get(join.scaleBy);
  if (scaleType !== undefined && scaleType !== 'number' && scaleType !== 'integer') {
    throw new QueryError(`query.join.scaleBy: column ${join.scaleBy} of table ${join.table} is ${scaleType}, not a number`);
  }
  const [repeated] = await whileJoined(
    handle.read(`SELECT CAST("${join.column}" AS VARCHAR) AS value, count(*) AS n FROM ${found.sqlTable} WHERE "${join.column}" IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, value LIMIT 1`),
    reference,
    tenant,
    query,
    found.sqlTable,
  );
  if (repeated) {
    throw new QueryError(`query.join.column: ${join.column} of table ${join.table} holds ${JSON.stringify(repeated.value)} in ${Number(repeated.n)} rows; a join column must identify one row (import the table with --key ${join.column})`);
  }
  return found.sqlTable;
}

export async function exportOnDuckDb(handle: DuckDbHandle, cold: DuckDbColdTier, tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number> {
  checkRange(range, 'export');
  checkLevel(level, 'export');
  const target = await validateExportFile(file);
  return handle.readSession(async (session) => {
    const source = await cold.source(session, level, range.start, range.end);
    const { sql, params } = exportSql(tenant, dataset, level, range, target, source);
    return session.exportCopy(sql, params);
  });
}
