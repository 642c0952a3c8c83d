// Ingest's write on DuckDB: one window of a dataset replaced in one transaction (see
// Warehouse.replaceWindow), with the series' reference rows and the dataset's watermark.
import type { Series, TimeRange } from '@sextant/core';
import { mapValue } from '@duckdb/node-api';
import { Repeated, type DuckDbHandle, type WriteContext } from './duckdb-handle.js';
import type { DuckDbColdTier } from './cold/duckdb-cold-tier.js';
import type { KnownSeries } from './known-series.js';
import type { KnownWatermarks } from './known-watermarks.js';
import { checkName, checkRange } from './warehouse-checks.js';
import { windowRows, type SeriesRow } from './window-rows.js';

export async function replaceWindowOnDuckDb(
  handle: DuckDbHandle,
  knownSeries: KnownSeries,
  knownWatermarks: KnownWatermarks,
  cold: DuckDbColdTier,
  tenant: string,
  dataset: string,
  window: TimeRange,
  series: Series[],
): Promise<number> {
  checkName(tenant, 'tenant');
  checkName(dataset, 'dataset');
  checkRange(window, `replaceWindow(${dataset})`);
  const rows = windowRows(tenant, dataset, window, series);
  return handle.write(async (tx) => {
    // A window in a cold day is written to the tables like any other, once the day is back in them.
    await cold.thaw(tx, window.start, window.end);
    // Plain INSERT or UPDATE from what is stored: an ON CONFLICT upsert costs DuckDB ten times more.
    const [stored] = await tx.read(
      `SELECT (SELECT watermark_ms FROM watermarks WHERE tenant = $1 AND dataset = $2) AS watermark_ms,
              first_seen_ms, last_ingest_ms
       FROM (SELECT 1) LEFT JOIN datasets ON tenant = $1 AND dataset = $2`,
      [tenant, dataset],
    );
    const watermark = stored?.watermark_ms == null ? -Infinity : Number(stored.watermark_ms);
    // Every point of a dataset lies before its watermark (the end of the latest window written),
    // so a window that starts there or later, the usual ingest step, has nothing to replace.
    if (window.start < watermark) {
      await tx.run('DELETE FROM points WHERE tenant = $1 AND dataset = $2 AND ts >= $3 AND ts < $4', [
        tenant,
        dataset,
        window.start,
        window.end,
      ]);
    }
    const n = await tx.append('points', [new Repeated(tenant), new Repeated(dataset), rows.ids, rows.ts, rows.values]);
    await upsertSeries(tx, knownSeries, tenant, dataset, rows.series);
    if (watermark === -Infinity) await tx.run('INSERT INTO watermarks VALUES ($1, $2, $3)', [tenant, dataset, window.end]);
    else if (window.end > watermark) {
      await tx.run('UPDATE watermarks SET watermark_ms = $3 WHERE tenant = $1 AND dataset = $2', [tenant, dataset, window.end]);
    }
    if (window.end > watermark) tx.onCommit(() => knownWatermarks.moved(tenant, dataset, window.end));
    if (stored?.first_seen_ms == null) await tx.run('INSERT INTO datasets VALUES ($1, $2, $3, $4)', [tenant, dataset, window.start, window.end]);
    else if (window.start < Number(stored.first_seen_ms) || window.end > Number(stored.last_ingest_ms)) {
      await tx.run(
        `UPDATE datasets SET first_seen_ms = least(first_seen_ms, $3), last_ingest_ms = greatest(last_ingest_ms, $4)
         WHERE tenant = $1 AND dataset = $2`,
        [tenant, dataset, window.start, window.end],
      );
    }
    await tx.run('INSERT INTO rollup_dirty VALUES ($1, $2, $3, $4)', [tenant, dataset, window.start, window.end]);
    return n;
  });
}

/**
 * Writes the reference rows of a window's series: new ones appended, stored ones whose first or
 * last sample moves updated, the others left alone. Which is which comes from `knownSeries`,
 * read from the table at the dataset's first write in this process.
 */
async function upsertSeries(tx: WriteContext, knownSeries: KnownSeries, tenant: string, dataset: string, rows: SeriesRow[]): Promise<void> {
  let stored = knownSeries.of(tenant, dataset);
  if (!stored) {
    const read = await tx.read('SELECT series_id, series_key, first_seen_ms, last_seen_ms FROM series WHERE tenant = $1 AND dataset = $2', [
      tenant,
      dataset,
    ]);
    const loaded = new Map(
      read.map((r) => [Number(r.series_id), { key: String(r.series_key), firstSeen: Number(r.first_seen_ms), lastSeen: Number(r.last_seen_ms) }]),
    );
    knownSeries.load(tenant, dataset, loaded);
    stored = loaded;
  }
  const changes = knownSeries.changes(dataset, stored, rows);
  const { added, widened } = changes;
  await tx.append('series', [
    new Repeated(tenant),
    new Repeated(dataset),
    added.map((s) => s.id),
    added.map((s) => s.key),
    added.map((s) => mapValue(Object.entries(s.labels).map(([key, value]) => ({ key, value })))),
    added.map((s) => s.firstSeen),
    added.map((s) => s.lastSeen),
  ]);
  if (widened.length > 0) {
    await tx.run('CREATE TEMP TABLE IF NOT EXISTS series_widened (series_id BIGINT, first_seen_ms BIGINT, last_seen_ms BIGINT)');
    await tx.append('series_widened', [widened.map((s) => s.id), widened.map((s) => s.firstSeen), widened.map((s) => s.lastSeen)]);
    await tx.run(
      `UPDATE series SET first_seen_ms = least(series.first_seen_ms, w.first_seen_ms), last_seen_ms = greatest(series.last_seen_ms, w.last_seen_ms)
       FROM series_widened w WHERE series.tenant = $1 AND series.dataset = $2 AND series.series_id = w.series_id`,
      [tenant, dataset],
    );
    await tx.run('DELETE FROM series_widened');
  }
  tx.onCommit(() => knownSeries.remember(tenant, dataset, changes));
}
