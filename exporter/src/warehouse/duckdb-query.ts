// Reads on DuckDB: BI queries (validated, limited, bound as parameters) and Parquet export.
import type { BiQuery, DataFrame, TimeRange } from '@sextant/core';
import type { DuckDbHandle } from './duckdb-handle.js';
import { exportSql, validateExportFile } from './export-sql.js';
import { QueryError } from './query-error.js';
import { toFrames } from './query-frames.js';
import { aggregateSql, countSeriesSql, validateQuery } from './query-sql.js';
import { checkLevel, checkRange } from './warehouse-checks.js';
import type { QueryLimits } from './warehouse-settings.js';
import type { StorageLevel } from './warehouse.js';

export async function queryOnDuckDb(handle: DuckDbHandle, limits: QueryLimits, tenant: string, query: BiQuery): Promise<DataFrame[]> {
  validateQuery(query);
  for (const [i, filter] of query.filters.entries()) {
    if (filter.op !== '=~' && filter.op !== '!~') continue;
    await handle.read(`SELECT regexp_full_match('', $1)`, [filter.value]).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message.replace(/^Invalid Input Error: /, '') : String(error);
      throw new QueryError(`query.filters[${i}].value: ${JSON.stringify(filter.value)} is not a valid regular expression (${reason})`);
    });
  }
  const count = countSeriesSql(tenant, query);
  const [counted] = await handle.read(count.sql, count.params);
  const matched = Number(counted?.n ?? 0);
  if (matched > limits.maxSeries) {
    throw new QueryError(
      `query: ${matched} series of dataset ${query.dataset} match, more than the limit of ${limits.maxSeries}; add filters`,
    );
  }
  const aggregate = aggregateSql(tenant, query, limits.maxRows);
  const rows = await handle.read(aggregate.sql, aggregate.params);
  if (rows.length > limits.maxRows) {
    throw new QueryError(
      `query: the answer has more than ${limits.maxRows} rows (groups x buckets); use a coarser bucket, a shorter range or fewer groups`,
    );
  }
  return toFrames(query, rows);
}

export async function exportOnDuckDb(handle: DuckDbHandle, tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number> {
  checkRange(range, 'export');
  checkLevel(level, 'export');
  const target = await validateExportFile(file);
  const { sql, params } = exportSql(tenant, dataset, level, range, target);
  return handle.exportCopy(sql, params);
}
