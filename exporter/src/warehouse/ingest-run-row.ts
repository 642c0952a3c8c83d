import type { IngestRun } from './warehouse.js';

/** An ingest_runs row as both warehouses store it (DuckDB and ClickHouse share the columns). */
export function ingestRunFromRow(r: Record<string, unknown>): IngestRun {
  return {
    tenant: String(r.tenant),
    dataset: String(r.dataset),
    window: { start: Number(r.window_start_ms), end: Number(r.window_end_ms) },
    rows: Number(r.rows),
    status: r.status === 'ok' ? 'ok' : 'error',
    ...(r.error === null || r.error === undefined ? {} : { error: String(r.error) }),
    durationMs: Number(r.duration_ms),
    finishedAt: Number(r.finished_at_ms),
  };
}
