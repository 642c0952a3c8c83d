import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { TimeRange } from '@sextant/core';
import type { SqlParam } from './duckdb-handle.js';
import { LEVEL_TABLE } from './levels.js';
import type { StorageLevel } from './warehouse.js';

/**
 * The absolute path of a Parquet file to write: it must end in .parquet, sit in an existing
 * directory, and not be a directory itself. The path reaches DuckDB as a parameter, never as text.
 */
export async function validateExportFile(file: string): Promise<string> {
  if (typeof file !== 'string' || file.trim() === '') throw new Error('export: the output file is empty');
  if ([...file].some((c) => c.charCodeAt(0) < 0x20)) throw new Error(`export: the output file ${JSON.stringify(file)} contains control characters`);
  const target = resolve(file);
  if (!target.toLowerCase().endsWith('.parquet')) throw new Error(`export: the output file ${target} must end in .parquet`);
  const dir = await stat(dirname(target)).catch(() => undefined);
  if (!dir?.isDirectory()) throw new Error(`export: the directory ${dirname(target)} of the output file does not exist`);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`export: ${target} is a directory`);
  return target;
}

/**
 * COPY of one dataset's rows at one level over [range.start, range.end) to Parquet, with each
 * series' key and labels, times both as TIMESTAMP (UTC) for tools and as Unix ms for exactness.
 * `source` is the relation to read the level from when it is more than its table (with cold files).
 */
export function exportSql(tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string, source?: string): { sql: string; params: SqlParam[] } {
  const table = source ?? LEVEL_TABLE[level];
  const select =
    level === 'points'
      ? `r.tenant, r.dataset, r.series_id, s.series_key, s.labels,
         epoch_ms(r.ts) AS time, r.ts AS time_ms, r.value`
      : `r.tenant, r.dataset, r.series_id, s.series_key, s.labels,
         epoch_ms(r.bucket) AS time, r.bucket AS time_ms, r.count, r.sum, r.min, r.max, r.avg,
         r.p50, r.p95, r.p99, r.last, r.last_ts AS last_ms`;
  const time = level === 'points' ? 'r.ts' : 'r.bucket';
  const sql = `COPY (
      SELECT ${select}
      FROM ${table} r JOIN series s ON s.tenant = r.tenant AND s.dataset = r.dataset AND s.series_id = r.series_id
      WHERE r.tenant = $1 AND r.dataset = $2 AND ${time} >= $3 AND ${time} < $4
      ORDER BY r.series_id, ${time}
    ) TO $5 (FORMAT parquet)`;
  return { sql, params: [tenant, dataset, range.start, range.end, file] };
}
