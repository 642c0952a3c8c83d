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
import { joinedTable, whileJoined, type RepeatedValue } from './reference/reference-join.js';
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
  const referenceTable = query.join ? (await joinedTable(reference, tenant, query, repeatedValueOn(handle))).sqlTable : undefined;
  const joined = <T>(reading: Promise<T>) => (referenceTable === undefined ? reading : whileJoined(reading, reference, tenant, query, referenceTable));
  const count = countSeriesSql(tenant, query, referenceTable);
  const level: StorageLevel = query.bucket === 'raw' ? 'points' : query.bucket;
  const width = level === 'points' ? 1 : LEVEL_WIDTH_MS[level];
  // The series count, the cold files and the table in one snapshot, on one reading connection: the
  // series limit holds for the rows read (no window written between the count and the rows), a day
  // moving meanwhile is read from one place, and the query waits for a connection once.
  const rows = await joined(
    handle.readSession(async (session) => {
      const [counted] = await session.read(count.sql, count.params);
      const matched = Number(counted?.n ?? 0);
      if (matched > limits.maxSeries) {
        throw new QueryError(
          `query: ${matched} series of dataset ${query.dataset} match, more than the limit of ${limits.maxSeries}; add filters`,
        );
      }
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
  return await toFrames(query, rows);
}

/** The join column's most repeated value, in DuckDB. */
function repeatedValueOn(handle: DuckDbHandle): RepeatedValue {
  return async (sqlTable, column) => {
    const [row] = await handle.read(`SELECT CAST("${column}" AS VARCHAR) AS value, count(*) AS n FROM ${sqlTable} WHERE "${column}" IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, value LIMIT 1`);
    return row ? { value: String(row.value), n: Number(row.n) } : undefined;
  };
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
