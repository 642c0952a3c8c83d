import { stat } from 'node:fs/promises';
import type { BiQuery, DataFrame, Series, TimeRange } from '@sextant/core';
import { AlertIntake, type AlertIntakeOptions } from './alert-intake.js';
import type { AlertStore } from './alert-store.js';
import { DuckDbAlertEvents } from './duckdb-alert-store.js';
import { DuckDbAnomalyStore } from './duckdb-anomaly-store.js';
import { DuckDbAuditLog } from './duckdb-audit-store.js';
import { ColdLayout } from './cold/cold-layout.js';
import { DuckDbColdTier, type ColdReconcileResult } from './cold/duckdb-cold-tier.js';
import { DuckDbHandle } from './duckdb-handle.js';
import { duckDbIntakeTarget, intakeDirOf } from './duckdb-intake-target.js';
import { DuckDbPredictionStore } from './duckdb-prediction-store.js';
import { exportOnDuckDb, queryOnDuckDb } from './duckdb-query.js';
import { DuckDbRecommendationStore } from './duckdb-recommendation-store.js';
import { DuckDbReportInputs } from './duckdb-report-inputs.js';
import { DuckDbReportStore } from './duckdb-report-store.js';
import { enforceRetentionOnDuckDb, rollupOnDuckDb } from './duckdb-rollup.js';
import { replaceWindowOnDuckDb } from './duckdb-window-writer.js';
import { IntakeAlertStore } from './intake-alert-store.js';
import { KnownSeries } from './known-series.js';
import { KnownWatermarks } from './known-watermarks.js';
import { DuckDbReferenceStore } from './reference/duckdb-reference-store.js';
import { migrations } from './migrations/index.js';
import type { ReportInputs } from './report-inputs.js';
import { runMigrations } from './migrator.js';
import type { WarehouseStores } from './stores.js';
import { checkRetention } from './warehouse-checks.js';
import { DEFAULT_QUERY_LIMITS, DEFAULT_ROLLUP_REFRESH_MS, type QueryLimits } from './warehouse-settings.js';
import { ingestRunFromRow } from './ingest-run-row.js';
import type { IngestRun, RollupLevel, RollupResult, StorageLevel, Warehouse } from './warehouse.js';

// Tests, benches and the CLI open a DuckDB warehouse with the shared defaults.
export { DEFAULT_RETENTION_MS } from './warehouse-settings.js';

export interface DuckDbWarehouseOptions {
  /** Database file; ':memory:' for tests that need no disk. */
  path: string;
  /** How long each level keeps its rows, in milliseconds. */
  retentionMs: Record<StorageLevel, number>;
  limits?: Partial<QueryLimits>;
  /** DuckDB settings such as `threads` or `memory_limit`. */
  settings?: Record<string, string>;
  /**
   * How old each level's days must be to move to the cold tier (Parquet files in `<path>.cold/`);
   * a level without an age stays in its table. Cold files are read whatever this says.
   */
  coldAfterMs?: Partial<Record<StorageLevel, number>>;
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
  checkRetention(options.retentionMs);
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
    ColdLayout.beside(options.path),
    options.coldAfterMs ?? {},
  );
  try {
    if (options.readOnly) await warehouse.checkSchema();
    else await warehouse.migrate();
    await warehouse.loadWatermarks();
    if (!options.readOnly) {
      warehouse.coldReconciled = await warehouse.cold.reconcile();
      await warehouse.openAlerts(options.now ?? Date.now, options.alerts);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return warehouse;
}

export class DuckDbWarehouse implements Warehouse, WarehouseStores {
  private migrated = false;
  private alertStore: AlertStore | undefined;
  private readonly knownSeries = new KnownSeries();
  private readonly knownWatermarks = new KnownWatermarks();
  readonly audit: DuckDbAuditLog;
  readonly anomalies: DuckDbAnomalyStore;
  readonly predictions: DuckDbPredictionStore;
  readonly recommendations: DuckDbRecommendationStore;
  readonly reports: DuckDbReportStore;
  readonly reportInputs: ReportInputs;
  readonly reference: DuckDbReferenceStore;
  readonly cold: DuckDbColdTier;
  /** What the cold tier's check at open found (files of unfinished moves deleted, files missing). */
  coldReconciled: ColdReconcileResult = { removed: [], missing: [] };

  constructor(
    readonly handle: DuckDbHandle,
    readonly retentionMs: Record<StorageLevel, number>,
    readonly limits: QueryLimits,
    readonly rollupRefreshMs: Record<RollupLevel, number> = DEFAULT_ROLLUP_REFRESH_MS,
    coldLayout?: ColdLayout,
    coldAfterMs: Partial<Record<StorageLevel, number>> = {},
  ) {
    this.audit = new DuckDbAuditLog(handle);
    this.anomalies = new DuckDbAnomalyStore(handle);
    this.predictions = new DuckDbPredictionStore(handle);
    this.recommendations = new DuckDbRecommendationStore(handle);
    this.reports = new DuckDbReportStore(handle);
    this.reference = new DuckDbReferenceStore(handle);
    this.cold = new DuckDbColdTier(handle, coldLayout, coldAfterMs, retentionMs, () => this.rollup());
    this.reportInputs = new DuckDbReportInputs(handle, this.cold);
  }

  async migrate(): Promise<number> {
    const version = await runMigrations(this.handle, migrations);
    this.migrated = true;
    return version;
  }

  /** Refuses a file that is not a Sextant warehouse or that lacks a migration of this code's. */
  async checkSchema(): Promise<void> {
    const applied = await this.handle.read('SELECT version FROM schema_migrations').then(
      (rows) => new Set(rows.map((row) => Number(row.version))),
      () => undefined,
    );
    if (applied === undefined) throw new Error(`${this.handle.path} is not a Sextant warehouse (it has no schema_migrations table)`);
    const missing = migrations.filter((m) => !applied.has(m.version));
    if (missing.length) {
      const version = Math.max(0, ...applied);
      throw new Error(`the warehouse ${this.handle.path} has schema version ${version} without migration ${missing.map((m) => m.version).join(', ')} of this sextant; start the service once to migrate it`);
    }
    this.migrated = true;
  }

  /** Reads every watermark into memory (at open: from then on this process is the only one that moves them). */
  async loadWatermarks(): Promise<void> {
    const rows = await this.handle.read('SELECT tenant, dataset, watermark_ms FROM watermarks');
    this.knownWatermarks.load(rows.map((r) => ({ tenant: String(r.tenant), dataset: String(r.dataset), watermark: Number(r.watermark_ms) })));
  }

  /** Opens the alert history; alerts acknowledged by an earlier process are loaded first. */
  async openAlerts(now: () => number, options: DuckDbWarehouseOptions['alerts'] = {}): Promise<void> {
    const dir = options.dir ?? intakeDirOf(this.handle);
    // Its history reads say which segments they hold, so the intake keeps the rows of the others for them.
    const intake = await AlertIntake.open(await duckDbIntakeTarget(this.handle), { keepUnloadedRows: true, ...options, ...(dir ? { dir } : {}) });
    this.alertStore = new IntakeAlertStore(new DuckDbAlertEvents(this.handle), intake, now, { cacheLimit: options.cacheLimit });
  }

  /** The alert history: one store per warehouse, since its cache must see every change recorded. */
  get alerts(): AlertStore {
    if (!this.alertStore) throw new Error(`the warehouse ${this.handle.path} is open read-only: its alert history cannot be recorded`);
    return this.alertStore;
  }

  isReady(): boolean {
    return this.migrated && this.handle.isOpen;
  }

  replaceWindow(tenant: string, dataset: string, window: TimeRange, series: Series[]): Promise<number> {
    return replaceWindowOnDuckDb(this.handle, this.knownSeries, this.knownWatermarks, this.cold, tenant, dataset, window, series);
  }

  /** From memory (known-watermarks.ts). */
  async watermark(tenant: string, dataset: string): Promise<number | undefined> {
    return this.knownWatermarks.of(tenant, dataset);
  }

  /** From memory (known-watermarks.ts). */
  async watermarks(tenant: string): Promise<Map<string, number>> {
    return this.knownWatermarks.ofTenant(tenant);
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
    return rows.map(ingestRunFromRow);
  }

  /** See rollupOnDuckDb. */
  rollup(): Promise<RollupResult> {
    return rollupOnDuckDb(this.handle, this.rollupRefreshMs);
  }

  /** Rolls up pending windows first, then deletes what is past its retention. */
  async enforceRetention(now: number): Promise<Record<StorageLevel, number>> {
    await this.rollup();
    return enforceRetentionOnDuckDb(this.handle, this.retentionMs, this.knownSeries, this.cold, now);
  }

  query(tenant: string, query: BiQuery): Promise<DataFrame[]> {
    return queryOnDuckDb(this.handle, this.reference, this.cold, this.limits, tenant, query);
  }

  exportParquet(tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number> {
    return exportOnDuckDb(this.handle, this.cold, tenant, dataset, level, range, file);
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
