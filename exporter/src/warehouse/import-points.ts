// Moving history between warehouses: a points Parquet file as `exportParquet` writes it (tenant,
// dataset, series key, labels, time_ms, value) replayed into any Warehouse through replaceWindow,
// window by window, so the target keeps its own rules: series rows, watermarks, rollups recomputed
// from the points by its next rollup(). An in-memory DuckDB reads the file, a window at a time.
import { resolve } from 'node:path';
import type { Labels, Series } from '@sextant/core';
import { DuckDbHandle } from './duckdb-handle.js';
import type { Warehouse } from './warehouse.js';

export interface ImportedDataset {
  tenant: string;
  dataset: string;
  rows: number;
  windows: number;
}

/** Six hours, the ingest job's chunk: a window of 10,000 series at a 1m step is 3.6M points. */
export const DEFAULT_IMPORT_WINDOW_MS = 6 * 3_600_000;

const COLUMNS = ['tenant', 'dataset', 'series_key', 'labels', 'time_ms', 'value'];

/**
 * Writes every point of `file` into `warehouse`, dataset by dataset, in windows of `windowMs`
 * aligned to the epoch (a window replaces what the target holds in it). Returns what was written.
 */
export async function importPointsParquet(warehouse: Warehouse, file: string, windowMs = DEFAULT_IMPORT_WINDOW_MS): Promise<ImportedDataset[]> {
  if (!Number.isInteger(windowMs) || windowMs <= 0) throw new Error(`import: the window must be a positive number of ms, got ${windowMs}`);
  const path = resolve(file);
  const reader = await DuckDbHandle.open(':memory:');
  try {
    const columns = await reader.read(`DESCRIBE SELECT * FROM read_parquet($1)`, [path]).catch((error: unknown) => {
      throw new Error(`import: cannot read ${path} as Parquet: ${error instanceof Error ? error.message : String(error)}`);
    });
    const names = new Set(columns.map((c) => String(c.column_name)));
    const missing = COLUMNS.filter((c) => !names.has(c));
    if (missing.length) throw new Error(`import: ${path} is not a points export: it lacks the column(s) ${missing.join(', ')} (export with --level points)`);
    const datasets = await reader.read(
      `SELECT tenant, dataset, min(time_ms)::DOUBLE AS first, max(time_ms)::DOUBLE AS last FROM read_parquet($1) GROUP BY tenant, dataset ORDER BY tenant, dataset`,
      [path],
    );
    const imported: ImportedDataset[] = [];
    for (const d of datasets) {
      const done: ImportedDataset = { tenant: String(d.tenant), dataset: String(d.dataset), rows: 0, windows: 0 };
      for (let start = Math.floor(Number(d.first) / windowMs) * windowMs; start <= Number(d.last); start += windowMs) {
        const window = { start, end: start + windowMs };
        const series = await readWindow(reader, path, done.tenant, done.dataset, window);
        done.rows += await warehouse.replaceWindow(done.tenant, done.dataset, window, series);
        done.windows += 1;
      }
      imported.push(done);
    }
    return imported;
  } finally {
    await reader.close();
  }
}

/** The window's points of one dataset as series, in the file's order (series, then time). */
async function readWindow(reader: DuckDbHandle, path: string, tenant: string, dataset: string, window: { start: number; end: number }): Promise<Series[]> {
  const bySeries = new Map<string, Series>();
  await reader.readChunks(
    `SELECT series_key, map_keys(labels) AS names, map_values(labels) AS vals, time_ms::DOUBLE AS t, value::DOUBLE AS v
     FROM read_parquet($1) WHERE tenant = $2 AND dataset = $3 AND time_ms >= $4 AND time_ms < $5 ORDER BY series_key, time_ms`,
    [path, tenant, dataset, window.start, window.end],
    ([keys, names, vals, times, values]) => {
      for (let i = 0; i < keys!.length; i++) {
        const key = String(keys![i]);
        let series = bySeries.get(key);
        if (!series) {
          series = { labels: labelsOf(names![i], vals![i]), samples: [] };
          bySeries.set(key, series);
        }
        series.samples.push({ t: Number(times![i]), v: Number(values![i]) });
      }
    },
  );
  return [...bySeries.values()];
}

/** DuckDB hands a LIST as an object with `items`. */
function labelsOf(names: unknown, values: unknown): Labels {
  const keys = listItems(names);
  const vals = listItems(values);
  return Object.fromEntries(keys.map((k, i) => [String(k), String(vals[i])]));
}

function listItems(list: unknown): unknown[] {
  if (Array.isArray(list)) return list;
  const items = (list as { items?: unknown[] } | null)?.items;
  if (!Array.isArray(items)) throw new Error(`import: unexpected label list ${JSON.stringify(list)}`);
  return items;
}
