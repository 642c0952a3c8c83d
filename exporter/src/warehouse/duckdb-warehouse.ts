import { stat } from 'node:fs/promises';
import type { BiQuery, DataFrame, Series, TimeRange } from '@sextant/core';
import { mapValue } from '@duckdb/node-api';
import { AlertIntake, type AlertIntakeOptions } from './alert-intake.js';
import { AlertStore } from './alert-store.js';
import { DuckDbHandle, Repeated, type Row, type WriteContext } from './duckdb-handle.js';
import { exportSql, validateExportFile } from './export-sql.js';
import { LEVEL_TABLE, LEVEL_WIDTH_MS, ROLLUP_LEVELS, STORAGE_LEVELS } from './levels.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';
import { aggregateSql, countSeriesSql, validateQuery } from './query-sql.js';
import { QueryError } from './query-error.js';
import { toFrames } from './query-frames.js';
import { datasetKey, planLevel, type BucketSpan, type DirtyWindow } from './rollup-plan.js';
import { recomputeSpan } from './rollup-sql.js';
import { KnownSeries } from './known-series.js';
import { windowRows, type SeriesRow } from './window-rows.js';
import { DuckDbReferenceStore } from './reference/duckdb-reference-store.js';
import type { IngestRun, RollupLevel, RollupResult, StorageLevel, Warehouse } from './warehouse.js';

export interface QueryLimits {
  /** Series a query may match after its filters. */
  maxSeries: number;
  /** Rows (groups x time buckets) a query may answer. */
  maxRows: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxSeries: 10_000, maxRows: 500_000 };

const DAY = 24 * 60 * 60_000;
export const DEFAULT_RETENTION_MS: Record<StorageLevel, number> = {
  points: 15 * DAY,
  '5m': 90 * DAY,
  '1h': 400 * DAY,
  '1d': 5 * 365 * DAY,
};

export const DEFAULT_ROLLUP_REFRESH_MS: Record<RollupLevel, number> = { '5m': 0, '1h': 5 * 60_000, '1d': 60 * 60_000 };

export interface DuckDbWarehouseOptions {
  /** Database file; ':memory:' for tests that need no disk. */
  path: string;
  /** How long each level keeps its rows, in milliseconds. */
  retentionMs: Record<StorageLevel, number>;
  limits?: Partial<QueryLimits>;
  /** DuckDB settings such as `threads` or `memory_limit`. */
  settings?: Record<string, string>;
  /**
   * How much newer the data must be before a rollup run refreshes the bucket still filling at each
   * level (default: 5m always, 1h every 5 minutes of data, 1d every hour of data). Complete
   * buckets are always recomputed at the next run.
   */
  rollupRefreshMs?: Partial<Record<RollupLevel, number>>;
  /**
   * Open an existing warehouse without writing to it (for the CLI's export): no migrations run,
   * and the file must exist with the current schema.
   */
  readOnly?: boolean;
  /** The clock of the alert history (when changes are observed; which instances the store remembers). */
  now?: () => number;
  /** Settings of the alert history's store and intake log (for tests). */
  alerts?: AlertIntakeOptions & { cacheLimit?: number };
}

/** Opens (creating if needed) the DuckDB warehouse file and runs its migrations. */
export async function openDuckDbWarehouse(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
  for (const level of STORAGE_LEVELS) {
    const ms = options.retentionMs[level];
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`warehouse retention for ${level}: expected a positive duration in ms, got ${ms}`);
  }
  if (options.readOnly && !(await stat(options.path).then((s) => s.isFile(), () => false))) {
    throw new Error(`no warehouse file at ${options.path}`);
  }
  const settings = { ...options.settings, ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {}) };
  const handle = await DuckDbHandle.open(options.path, { settings });
  const warehouse = new DuckDbWarehouse(
    handle,
    options.retentionMs,
    { ...DEFAULT_QUERY_LIMITS, ...options.limits },
    { ...DEFAULT_ROLLUP_REFRESH_MS, ...options.rollupRefreshMs },
  );
  try {
    if (options.readOnly) await warehouse.checkSchema();
    else {
      await warehouse.migrate();
      await warehouse.openAlerts(options.now ?? Date.now, options.alerts);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return warehouse;
}

export class DuckDbWarehouse implements Warehouse {
  private migrated = false;
  private alertStore: AlertStore | undefined;
  private readonly knownSeries = new KnownSeries();
  /** The tenants' reference tables (business data that queries join on a label). */
  readonly reference: DuckDbReferenceStore;

  constructor(
    readonly handle: DuckDbHandle,
    readonly retentionMs: Record<StorageLevel, number>,
    readonly limits: QueryLimits,
    readonly rollupRefreshMs: Record<RollupLevel, number> = DEFAULT_ROLLUP_REFRESH_MS,
  ) {
    this.reference = new DuckDbReferenceStore(handle);
  }

  async migrate(): Promise<number> {
    const version = await runMigrations(this.handle, migrations);
    this.migrated = true;
    return version;
  }

  /** Refuses a file that is not a Sextant warehouse or whose schema is older than this code's. */
  async checkSchema(): Promise<void> {
    const latest = Math.max(...migrations.map((m) => m.version));
    const version = await this.handle.read('SELECT max(version) AS v FROM schema_migrations').then(
      ([row]) => Number(row?.v ?? 0),
      () => undefined,
    );
    if (version === undefined) throw new Error(`${this.handle.path} is not a Sextant warehouse (it has no schema_migrations table)`);
    if (version < latest) {
      throw new Error(`the warehouse ${this.handle.path} has schema version ${version}, this sextant expects ${latest}; start the service once to migrate it`);
    }
    this.migrated = true;
  }

  /** Opens the alert history; alerts acknowledged by an earlier process are loaded first. */
  async openAlerts(now: () => number, options: DuckDbWarehouseOptions['alerts'] = {}): Promise<void> {
    const intake = await AlertIntake.open(this.handle, options);
    this.alertStore = new AlertStore(this.handle, intake, now, options.cacheLimit);
  }

  /** The alert history: one store per warehouse, since its cache must see every change recorded. */
  get alerts(): AlertStore {
    if (!this.alertStore) throw new Error(`the warehouse ${this.handle.path} is open read-only: its alert history cannot be recorded`);
    return this.alertStore;
  }

  isReady(): boolean {
    return this.migrated && this.handle.isOpen;
  }

  async replaceWindow(tenant: string, dataset: string, window: TimeRange, series: Series[]): Promise<number> {
    checkName(tenant, 'tenant');
    checkName(dataset, 'dataset');
    checkRange(window, `replaceWindow(${dataset})`);
    const rows = windowRows(tenant, dataset, window, series);
    return this.handle.write(async (tx) => {
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
      await this.upsertSeries(tx, tenant, dataset, rows.series);
      if (watermark === -Infinity) await tx.run('INSERT INTO watermarks VALUES ($1, $2, $3)', [tenant, dataset, window.end]);
      else if (window.end > watermark) {
        await tx.run('UPDATE watermarks SET watermark_ms = $3 WHERE tenant = $1 AND dataset = $2', [tenant, dataset, window.end]);
      }
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
  private async upsertSeries(tx: WriteContext, tenant: string, dataset: string, rows: SeriesRow[]): Promise<void> {
    let stored = this.knownSeries.of(tenant, dataset);
    if (!stored) {
      const read = await tx.read('SELECT series_id, series_key, first_seen_ms, last_seen_ms FROM series WHERE tenant = $1 AND dataset = $2', [
        tenant,
        dataset,
      ]);
      const loaded = new Map(
        read.map((r) => [Number(r.series_id), { key: String(r.series_key), firstSeen: Number(r.first_seen_ms), lastSeen: Number(r.last_seen_ms) }]),
      );
      this.knownSeries.load(tenant, dataset, loaded);
      stored = loaded;
    }
    const changes = this.knownSeries.changes(dataset, stored, rows);
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
    tx.onCommit(() => this.knownSeries.remember(tenant, dataset, changes));
  }

  async watermark(tenant: string, dataset: string): Promise<number | undefined> {
    const [row] = await this.handle.read('SELECT watermark_ms FROM watermarks WHERE tenant = $1 AND dataset = $2', [
      tenant,
      dataset,
    ]);
    return row ? Number(row.watermark_ms) : undefined;
  }

  async recordIngestRun(run: IngestRun): Promise<void> {
    await this.handle.write((tx) =>
      tx.run('INSERT INTO ingest_runs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        run.tenant,
        run.dataset,
        run.window.start,
        run.window.end,
        run.rows,
        run.status,
        run.error ?? null,
        run.durationMs,
        run.finishedAt,
      ]),
    );
  }

  async listIngestRuns(tenant: string, limit: number): Promise<IngestRun[]> {
    const rows = await this.handle.read(
      `SELECT * FROM ingest_runs WHERE tenant = $1 ORDER BY finished_at_ms DESC, window_end_ms DESC LIMIT $2`,
      [tenant, Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => ({
      tenant: String(r.tenant),
      dataset: String(r.dataset),
      window: { start: Number(r.window_start_ms), end: Number(r.window_end_ms) },
      rows: Number(r.rows),
      status: r.status === 'ok' ? 'ok' : 'error',
      ...(r.error === null || r.error === undefined ? {} : { error: String(r.error) }),
      durationMs: Number(r.duration_ms),
      finishedAt: Number(r.finished_at_ms),
    }));
  }

  /**
   * Recomputes, at every level, the buckets that windows written since the last run touch, from
   * the points (percentiles cannot be derived from finer rollups), in one transaction. The bucket
   * still filling at a coarse level is refreshed per `rollupRefreshMs` (see planLevel).
   */
  rollup(): Promise<RollupResult> {
    return this.handle.write(async (tx) => {
      const asWindow = (r: Row): DirtyWindow => ({
        tenant: String(r.tenant),
        dataset: String(r.dataset),
        start: Number(r.start_ms),
        end: Number(r.end_ms),
      });
      const fresh = (await tx.read('SELECT tenant, dataset, start_ms, end_ms FROM rollup_dirty')).map(asWindow);
      const pending = await tx.read('SELECT level, tenant, dataset, start_ms, end_ms FROM rollup_pending');
      const watermarks = new Map(
        (await tx.read('SELECT tenant, dataset, watermark_ms FROM watermarks')).map((r) => [datasetKey(String(r.tenant), String(r.dataset)), Number(r.watermark_ms)]),
      );
      const openRows = await tx.read('SELECT level, tenant, dataset, bucket, computed_at_watermark_ms FROM rollup_open');
      const [cutoff] = await tx.read(`SELECT cutoff_ms FROM retention_cutoffs WHERE level = 'points'`);
      const notBefore = cutoff ? Number(cutoff.cutoff_ms) : -Infinity;
      const rows: Record<RollupLevel, number> = { '5m': 0, '1h': 0, '1d': 0 };
      const deferred: [RollupLevel, BucketSpan][] = [];
      for (const level of ROLLUP_LEVELS) {
        const windows = [...fresh, ...pending.filter((r) => r.level === level).map(asWindow)];
        const open = new Map(
          openRows
            .filter((r) => r.level === level)
            .map((r) => [datasetKey(String(r.tenant), String(r.dataset)), { bucket: Number(r.bucket), computedAtWatermark: Number(r.computed_at_watermark_ms) }]),
        );
        const plan = planLevel(level, windows, notBefore, watermarks, open, this.rollupRefreshMs[level]);
        for (const span of plan.recompute) rows[level] += await recomputeSpan(tx, level, span);
        for (const o of plan.opened) {
          await tx.run(
            `INSERT INTO rollup_open VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant, dataset, level) DO UPDATE SET bucket = excluded.bucket, computed_at_watermark_ms = excluded.computed_at_watermark_ms`,
            [o.tenant, o.dataset, level, o.bucket, o.computedAtWatermark],
          );
        }
        deferred.push(...plan.defer.map((span): [RollupLevel, BucketSpan] => [level, span]));
      }
      await tx.run('DELETE FROM rollup_dirty');
      await tx.run('DELETE FROM rollup_pending');
      for (const [level, span] of deferred) {
        await tx.run('INSERT INTO rollup_pending VALUES ($1, $2, $3, $4, $5)', [span.tenant, span.dataset, level, span.start, span.end]);
      }
      return { rows };
    });
  }

  /**
   * Rolls up pending windows first (so no bucket is computed from half-deleted points), then deletes
   * points older than their retention and rollup buckets that end before theirs.
   */
  async enforceRetention(now: number): Promise<Record<StorageLevel, number>> {
    await this.rollup();
    const longest = Math.max(...STORAGE_LEVELS.map((l) => this.retentionMs[l]));
    return this.handle.write(async (tx) => {
      const deleted: Record<StorageLevel, number> = { points: 0, '5m': 0, '1h': 0, '1d': 0 };
      const pointsCutoff = now - this.retentionMs.points;
      deleted.points = await tx.run('DELETE FROM points WHERE ts < $1', [pointsCutoff]);
      await tx.run(
        `INSERT INTO retention_cutoffs VALUES ('points', $1)
         ON CONFLICT (level) DO UPDATE SET cutoff_ms = greatest(cutoff_ms, excluded.cutoff_ms)`,
        [pointsCutoff],
      );
      for (const level of ROLLUP_LEVELS) {
        deleted[level] = await tx.run(`DELETE FROM ${LEVEL_TABLE[level]} WHERE bucket + $1 <= $2`, [
          LEVEL_WIDTH_MS[level],
          now - this.retentionMs[level],
        ]);
      }
      // Reference rows and run history outlive every level they describe, then go too.
      await tx.run('DELETE FROM series WHERE last_seen_ms < $1', [now - longest]);
      tx.onCommit(() => this.knownSeries.forgetAll());
      await tx.run('DELETE FROM ingest_runs WHERE finished_at_ms < $1', [now - longest]);
      return deleted;
    });
  }

  async query(tenant: string, query: BiQuery): Promise<DataFrame[]> {
    validateQuery(query);
    for (const [i, filter] of query.filters.entries()) {
      if (filter.op !== '=~' && filter.op !== '!~') continue;
      await this.handle.read(`SELECT regexp_full_match('', $1)`, [filter.value]).catch((error: unknown) => {
        const reason = error instanceof Error ? error.message.replace(/^Invalid Input Error: /, '') : String(error);
        throw new QueryError(`query.filters[${i}].value: ${JSON.stringify(filter.value)} is not a valid regular expression (${reason})`);
      });
    }
    const referenceTable = query.join ? await this.joinedTable(tenant, query) : undefined;
    const count = countSeriesSql(tenant, query, referenceTable);
    const [counted] = await this.handle.read(count.sql, count.params);
    const matched = Number(counted?.n ?? 0);
    if (matched > this.limits.maxSeries) {
      throw new QueryError(
        `query: ${matched} series of dataset ${query.dataset} match, more than the limit of ${this.limits.maxSeries}; add filters`,
      );
    }
    const aggregate = aggregateSql(tenant, query, this.limits.maxRows, referenceTable);
    const rows = await this.handle.read(aggregate.sql, aggregate.params);
    if (rows.length > this.limits.maxRows) {
      throw new QueryError(
        `query: the answer has more than ${this.limits.maxRows} rows (groups x buckets); use a coarser bucket, a shorter range or fewer groups`,
      );
    }
    return toFrames(query, rows);
  }

  /**
   * Where the query's join table keeps its rows, once its columns are checked: the join column
   * must hold each value at most once (or a series would count once per row), the scale must be a number.
   */
  private async joinedTable(tenant: string, query: BiQuery): Promise<string> {
    const join = query.join!;
    const found = await this.reference.locate(tenant, join.table);
    if (!found) {
      const known = (await this.reference.list(tenant)).map((t) => t.name);
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
    const [repeated] = await this.handle.read(
      `SELECT CAST("${join.column}" AS VARCHAR) AS value, count(*) AS n FROM ${found.sqlTable} WHERE "${join.column}" IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY n DESC, value LIMIT 1`,
    );
    if (repeated) {
      throw new QueryError(`query.join.column: ${join.column} of table ${join.table} holds ${JSON.stringify(repeated.value)} in ${Number(repeated.n)} rows; a join column must identify one row (import the table with --key ${join.column})`);
    }
    return found.sqlTable;
  }

  async exportParquet(tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number> {
    checkRange(range, 'export');
    if (!STORAGE_LEVELS.includes(level)) throw new Error(`export: unknown level "${String(level)}"; expected one of ${STORAGE_LEVELS.join(', ')}`);
    const target = await validateExportFile(file);
    const { sql, params } = exportSql(tenant, dataset, level, range, target);
    return this.handle.exportCopy(sql, params);
  }

  sizeBytes(): Promise<number> {
    return this.handle.sizeBytes();
  }

  async close(): Promise<void> {
    this.migrated = false;
    try {
      await this.alertStore?.close();
    } finally {
      await this.handle.close();
    }
  }
}

function checkName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new Error(`${what}: expected a non-empty string, got ${JSON.stringify(value)}`);
}

function checkRange(range: TimeRange, where: string): void {
  if (!range || !Number.isFinite(range.start) || !Number.isFinite(range.end) || range.start >= range.end) {
    throw new Error(`${where}: expected a time range with start < end in Unix ms, got ${JSON.stringify(range)}`);
  }
}
