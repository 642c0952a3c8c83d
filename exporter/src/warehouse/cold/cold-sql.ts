// The relation a query reads a level from when some of its days are cold: the table and the days'
// Parquet files, as one UNION ALL that DuckDB pushes the query's filters into (the files are
// sorted by tenant, dataset, series and time, so their row groups' statistics skip the rest).
import { LEVEL_COLUMNS, LEVEL_TABLE, LEVEL_TIME_COLUMN, LEVEL_WIDTH_MS } from '../levels.js';
import type { StorageLevel } from '../warehouse.js';

/** A SQL string literal. Only for the warehouse's own file paths, which no request chooses. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlInteger(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`cold tier: ${n} is not an integer time`);
  return String(n);
}

/**
 * The level's table and its cold `files`, without the rows that retention removed (`cutoff`: the
 * cutoff of the last retention run; the table lost those rows, a file keeps them until its whole
 * day has expired). Just the table when no file is needed.
 */
export function levelSourceSql(level: StorageLevel, files: readonly string[], cutoff: number | undefined): string {
  const table = LEVEL_TABLE[level];
  if (files.length === 0) return table;
  const columns = LEVEL_COLUMNS[level].join(', ');
  const time = LEVEL_TIME_COLUMN[level];
  const kept =
    cutoff === undefined ? '' : level === 'points' ? ` WHERE ${time} >= ${sqlInteger(cutoff)}` : ` WHERE ${time} + ${LEVEL_WIDTH_MS[level]} > ${sqlInteger(cutoff)}`;
  return `(SELECT ${columns} FROM ${table} UNION ALL SELECT ${columns} FROM read_parquet([${files.map(sqlString).join(', ')}])${kept})`;
}

/** COPY of one day of a level's table to a Parquet file (zstd), sorted so that readers can skip row groups. */
export function copyDaySql(level: StorageLevel): string {
  const time = LEVEL_TIME_COLUMN[level];
  return `COPY (SELECT ${LEVEL_COLUMNS[level].join(', ')} FROM ${LEVEL_TABLE[level]} WHERE ${time} >= $1 AND ${time} < $2
    ORDER BY tenant, dataset, series_id, ${time}) TO $3 (FORMAT parquet, COMPRESSION zstd)`;
}
