// The warehouse on ClickHouse (warehouse.kind: clickhouse): points, rollups, ingest runs,
// retention, queries and Parquet export, over @clickhouse/client, and every store of the service
// (alerts, anomalies, predictions, recommendations, reports, audit, reference tables).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BiQuery, DataFrame, Series, TimeRange } from '@sextant/core';
import { AlertIntake, type AlertIntakeOptions } from '../alert-intake.js';
import type { AlertStore } from '../alert-store.js';
import { DuckDbHandle } from '../duckdb-handle.js';
import { validateExportFile } from '../export-sql.js';
import { IncreasingIds } from '../increasing-ids.js';
import { IntakeAlertStore } from '../intake-alert-store.js';
import { KnownSeries } from '../known-series.js';
import { LEVEL_TABLE, ROLLUP_LEVELS, STORAGE_LEVELS } from '../levels.js';
import { QueryError } from '../query-error.js';
import { toFrames } from '../query-frames.js';
import { validateQuery } from '../query-sql.js';
import type { ReplicaStore } from '../../replicas/replica-store.js';
import { joinedTable, whileJoined, type RepeatedValue } from '../reference/reference-join.js';
import { reportInputsOf, type ReportInputs } from '../report-inputs.js';
import type { WarehouseStores } from '../stores.js';
import { checkLevel, checkName, checkRange, checkRetention } from '../warehouse-checks.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../warehouse-settings.js';
import { ingestRunFromRow } from '../ingest-run-row.js';
import type { IngestRun, RollupLevel, RollupResult, StorageLevel, Warehouse } from '../warehouse.js';
import { windowRows } from '../window-rows.js';
import { ClickHouseAlertEvents } from './clickhouse-alert-events.js';
import { ClickHouseAnomalyStore } from './clickhouse-anomaly-store.js';
import { ClickHouseAuditLog } from './clickhouse-audit-log.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { clickHouseIntakeTarget } from './clickhouse-intake-target.js';
import { ClickHousePredictionStore } from './clickhouse-prediction-store.js';
import { aggregateClickHouse, countSeriesClickHouse } from './clickhouse-query.js';
import { ClickHouseRecommendationStore } from './clickhouse-recommendation-store.js';
import { ClickHouseReferenceStore, column } from './clickhouse-reference-store.js';
import { ClickHouseReplicaStore } from './clickhouse-replica-store.js';
import { ClickHouseReportQueries } from './clickhouse-report-queries.js';
import { ClickHouseReportStore } from './clickhouse-report-store.js';
import { recomputeOnClickHouse } from './clickhouse-rollup.js';
import { bucketSpan, createTables, PARTITION_MS, tableSpecs } from './clickhouse-schema.js';
import { STORE_TABLES } from './clickhouse-store-schema.js';
import { sqlNumber, sqlString } from './sql-literal.js';

export interface ClickHouseWarehouseOptions {
  connection: ClickHouseConnection;
  retentionMs: Record<StorageLevel, number>;
  limits?: Partial<QueryLimits>;
  /** The clock of versions of rewritten rows (rollup buckets, series, stores' rows) and of the alert history; Date.now by default. */
  now?: () => number;
  /**
   * The alert history's intake log (alert-intake.ts): a local directory (a temporary one when not
   * given), and its name in alert_intake (by default host and directory).
   */
  alerts?: AlertIntakeOptions & { name?: string; cacheLimit?: number };
  /**
   * Create the database and tables that are missing (the default). With false, a database without
   * the warehouse's tables is refused: commands that only read must not create a warehouse.
   */
  create?: boolean;
  /** close() closes the connection's client too (a client made for this warehouse alone). */
  closesClient?: boolean;
}

/** Creates the database and tables if needed and returns the warehouse. */
export async function openClickHouseWarehouse(options: ClickHouseWarehouseOptions): Promise<ClickHouseWarehouse> {
  checkRetention(options.retentionMs);
  const db = options.connection;
  const [server] = await db.read('SELECT version() AS v').catch((error: unknown) => {
    throw new Error(`cannot reach ClickHouse for database ${db.database}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const major = Number(String(server?.v ?? '0').split('.')[0]);
  if (options.create === false) {
    // Reads only: the tables must be there; none is created.
    const [found] = await db.read(`SELECT count() AS n FROM system.tables WHERE database = ${sqlString(db.database)} AND name = 'points'`);
    if (Number(found?.n ?? 0) === 0) throw new Error(`ClickHouse database ${db.database} holds no Sextant warehouse (no table points): nothing to read`);
  }
  else await createTables(db, [...tableSpecs({ database: db.database, codecs: major >= 19 }), ...STORE_TABLES]);
  const warehouse = new ClickHouseWarehouse(db, options.retentionMs, { ...DEFAULT_QUERY_LIMITS, ...options.limits }, options.now ?? Date.now, options.closesClient ?? false);
  await warehouse.openAlerts(options.alerts);
  return warehouse;
}

export class ClickHouseWarehouse implements Warehouse, WarehouseStores {
  private open = true;
  private readonly knownSeries = new KnownSeries();
  private lastVersion = 0;
  private alertStore: AlertStore | undefined;
  /** Versions of the stores' rewritten rows, and ids of their logs. */
  private readonly ids: IncreasingIds;
  readonly audit: ClickHouseAuditLog;
  readonly anomalies: ClickHouseAnomalyStore;
  readonly predictions: ClickHousePredictionStore;
  readonly recommendations: ClickHouseRecommendationStore;
  readonly reports: ClickHouseReportStore;
  readonly reportInputs: ReportInputs;
  readonly reference: ClickHouseReferenceStore;
  readonly replicas: ReplicaStore;

  constructor(
    readonly db: ClickHouseConnection,
    readonly retentionMs: Record<StorageLevel, number>,
    readonly limits: QueryLimits,
    private readonly now: () => number,
    private readonly closesClient = false,
  ) {
    this.ids = new IncreasingIds(now);
    this.audit = new ClickHouseAuditLog(db, this.ids);
    this.anomalies = new ClickHouseAnomalyStore(db, this.ids);
    this.predictions = new ClickHousePredictionStore(db, this.ids);
    this.recommendations = new ClickHouseRecommendationStore(db, this.ids);
    this.reports = new ClickHouseReportStore(db, this.ids);
    this.reportInputs = reportInputsOf(new ClickHouseReportQueries(db));
    this.reference = new ClickHouseReferenceStore(db, this.ids, now);
    this.replicas = new ClickHouseReplicaStore(db, this.ids);
  }

  /** Opens the alert history; what an earlier process acknowledged in the intake log is loaded first. */
  async openAlerts(options: ClickHouseWarehouseOptions['alerts'] = {}): Promise<void> {
    const { name, cacheLimit, ...intakeOptions } = options;
    const intake = await AlertIntake.open(clickHouseIntakeTarget(this.db, name ?? `${hostname()}:${options.dir ?? 'temporary'}`), intakeOptions);
    this.alertStore = new IntakeAlertStore(new ClickHouseAlertEvents(this.db), intake, this.now, cacheLimit);
  }

  /** The alert history: one store per warehouse, since its cache must see every change recorded. */
  get alerts(): AlertStore {
    if (!this.alertStore) throw new Error('the ClickHouse warehouse has no alert history open');
    return this.alertStore;
  }

  async migrate(): Promise<number> {
    return 1;
  }

  isReady(): boolean {
    return this.open;
  }

  /** Strictly increasing versions, so a rewrite always wins over what it replaces. */
  private version(): number {
    this.lastVersion = Math.max(this.lastVersion + 1, this.now());
    return this.lastVersion;
  }

  async replaceWindow(tenant: string, dataset: string, window: TimeRange, series: Series[]): Promise<number> {
    checkName(tenant, 'tenant');
    checkName(dataset, 'dataset');
    checkRange(window, `replaceWindow(${dataset})`);
    const rows = windowRows(tenant, dataset, window, series);
    const watermark = await this.watermark(tenant, dataset);
    const where = `tenant = ${sqlString(tenant)} AND dataset = ${sqlString(dataset)}`;
    // Without a transaction, an attempt cut short (ClickHouse down, the process killed) may have
    // stored its points and not the watermark, which is written last: so the window is cleared
    // whenever it holds any point, not only when it starts before the watermark.
    const inWindow = `${where} AND ts >= ${sqlNumber(window.start)} AND ts < ${sqlNumber(window.end)}`;
    const [present] = await this.db.read(`SELECT count() AS n FROM ${this.db.table('points')} WHERE ${inWindow}`);
    if (Number(present?.n ?? 0) > 0) await this.db.deleteWhere('points', inWindow);
    const points = new Array<Record<string, unknown>>(rows.ts.length);
    for (let i = 0; i < rows.ts.length; i++) points[i] = { tenant, dataset, series_id: rows.ids[i], ts: rows.ts[i], value: rows.values[i] };
    await this.db.insert('points', points);
    let stored = this.knownSeries.of(tenant, dataset);
    if (!stored) {
      const read = await this.db.read(`SELECT series_id, series_key, first_seen_ms, last_seen_ms FROM ${this.db.table('series')} FINAL WHERE ${where}`);
      const loaded = new Map(read.map((r) => [Number(r.series_id), { key: String(r.series_key), firstSeen: Number(r.first_seen_ms), lastSeen: Number(r.last_seen_ms) }]));
      this.knownSeries.load(tenant, dataset, loaded);
      stored = loaded;
    }
    const changes = this.knownSeries.changes(dataset, stored, rows.series);
    const version = this.version();
    await this.db.insert(
      'series',
      [...changes.added, ...changes.widened].map((s) => {
        const known = stored.get(s.id);
        return {
          tenant, dataset, series_id: s.id, series_key: s.key,
          label_names: Object.keys(s.labels), label_values: Object.values(s.labels),
          first_seen_ms: Math.min(s.firstSeen, known?.firstSeen ?? Infinity),
          last_seen_ms: Math.max(s.lastSeen, known?.lastSeen ?? -Infinity),
          version,
        };
      }),
    );
    this.knownSeries.remember(tenant, dataset, changes);
    await this.db.insert('dataset_windows', [{ tenant, dataset, start_ms: window.start, end_ms: window.end }]);
    await this.db.insert('rollup_dirty', [{ tenant, dataset, start_ms: window.start, end_ms: window.end, seq: version }]);
    // Last: the watermark moves over the window only once all of it is stored.
    await this.db.insert('watermarks', [{ tenant, dataset, watermark_ms: Math.max(window.end, watermark ?? -Infinity) }]);
    return rows.ts.length;
  }

  async watermark(tenant: string, dataset: string): Promise<number | undefined> {
    const [row] = await this.db.read(
      `SELECT max(watermark_ms) AS w, count() AS n FROM ${this.db.table('watermarks')} WHERE tenant = ${sqlString(tenant)} AND dataset = ${sqlString(dataset)}`,
    );
    return Number(row?.n ?? 0) > 0 ? Number(row!.w) : undefined;
  }

  async recordIngestRun(run: IngestRun): Promise<void> {
    await this.db.insert('ingest_runs', [
      {
        tenant: run.tenant, dataset: run.dataset, window_start_ms: run.window.start, window_end_ms: run.window.end, rows: run.rows,
        status: run.status, error: run.error ?? null, duration_ms: run.durationMs, finished_at_ms: run.finishedAt,
      },
    ]);
  }

  async listIngestRuns(tenant: string, limit: number): Promise<IngestRun[]> {
    const rows = await this.db.read(
      `SELECT * FROM ${this.db.table('ingest_runs')} WHERE tenant = ${sqlString(tenant)}
       ORDER BY finished_at_ms DESC, window_end_ms DESC LIMIT ${sqlNumber(Math.max(0, Math.floor(limit)))}`,
    );
    return rows.map(ingestRunFromRow);
  }

  /** Recomputes every bucket, at every level, that a window written since the last run touches. */
  async rollup(): Promise<RollupResult> {
    const dirty = await this.db.read(`SELECT tenant, dataset, start_ms, end_ms, seq FROM ${this.db.table('rollup_dirty')}`);
    const rows: Record<RollupLevel, number> = { '5m': 0, '1h': 0, '1d': 0 };
    if (dirty.length === 0) return { rows };
    const version = this.version();
    for (const level of ROLLUP_LEVELS) {
      const spans = new Map<string, { tenant: string; dataset: string; start: number; end: number }>();
      for (const d of dirty) {
        const span = { tenant: String(d.tenant), dataset: String(d.dataset), ...bucketSpan(level, Number(d.start_ms), Number(d.end_ms)) };
        spans.set(JSON.stringify(span), span);
      }
      for (const span of spans.values()) {
        await recomputeOnClickHouse(this.db, level, span, version);
        const [n] = await this.db.read(
          `SELECT count() AS n FROM ${this.db.table(LEVEL_TABLE[level])} WHERE version = ${sqlNumber(version)}
             AND tenant = ${sqlString(span.tenant)} AND dataset = ${sqlString(span.dataset)} AND bucket >= ${sqlNumber(span.start)} AND bucket < ${sqlNumber(span.end)}`,
        );
        rows[level] += Number(n?.n ?? 0);
      }
    }
    const done = Math.max(...dirty.map((d) => Number(d.seq)));
    await this.db.deleteWhere('rollup_dirty', `seq <= ${sqlNumber(done)}`);
    return { rows };
  }

  /**
   * Rolls up pending windows, then drops every partition of each level that lies wholly before its
   * retention: rows go a partition at a time (a day of points, up to a year of daily rollups).
   */
  async enforceRetention(now: number): Promise<Record<StorageLevel, number>> {
    await this.rollup();
    const deleted: Record<StorageLevel, number> = { points: 0, '5m': 0, '1h': 0, '1d': 0 };
    for (const level of STORAGE_LEVELS) {
      const table = LEVEL_TABLE[level];
      const parts = await this.db.read(
        `SELECT partition, sum(rows) AS n
         FROM ${this.db.system('parts')}
         WHERE database = ${sqlString(this.db.database)} AND table = ${sqlString(this.db.localName(table))} AND active GROUP BY partition`,
      );
      const cutoff = now - this.retentionMs[level];
      for (const part of parts) {
        const block = Number(String(part.partition).replace(/^'|'$/g, ''));
        if ((block + 1) * PARTITION_MS[level] > cutoff) continue;
        await this.db.run(`ALTER TABLE ${this.db.localTable(table)}${this.db.onCluster} DROP PARTITION ${sqlNumber(block)}`);
        deleted[level] += Number(part.n);
      }
    }
    return deleted;
  }

  async query(tenant: string, query: BiQuery): Promise<DataFrame[]> {
    validateQuery(query);
    const referenceTable = query.join ? (await joinedTable(this.reference, tenant, query, this.repeatedValue)).sqlTable : undefined;
    const read = async (sql: string) => {
      const reading = this.db.read(sql).catch(asQueryError);
      return referenceTable === undefined ? reading : whileJoined(reading, this.reference, tenant, query, referenceTable);
    };
    const [counted] = await read(countSeriesClickHouse(this.db, tenant, query, referenceTable));
    const matched = Number(counted?.n ?? 0);
    if (matched > this.limits.maxSeries) {
      throw new QueryError(`query: ${matched} series of dataset ${query.dataset} match, more than the limit of ${this.limits.maxSeries}; add filters`);
    }
    const rows = await read(aggregateClickHouse(this.db, tenant, query, this.limits.maxRows, referenceTable));
    if (rows.length > this.limits.maxRows) {
      throw new QueryError(`query: the answer has more than ${this.limits.maxRows} rows (groups x buckets); use a coarser bucket, a shorter range or fewer groups`);
    }
    return toFrames(query, rows);
  }

  /** The join column's most repeated value (query.join needs each value once). */
  private readonly repeatedValue: RepeatedValue = async (sqlTable, name) => {
    const [row] = await this.db.read(
      `SELECT ${column(name)} AS value, count() AS n FROM ${sqlTable} WHERE ${column(name)} IS NOT NULL GROUP BY ${column(name)} HAVING count() > 1 ORDER BY n DESC, value LIMIT 1`,
    );
    return row ? { value: String(row.value), n: Number(row.n) } : undefined;
  };

  /**
   * Reads the rows from ClickHouse and has an in-memory DuckDB write the Parquet file, with the
   * columns and types of the DuckDB warehouse's export (Parquet output needs ClickHouse 19.x).
   */
  async exportParquet(tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number> {
    checkRange(range, 'export');
    checkLevel(level, 'export');
    const target = await validateExportFile(file);
    const time = level === 'points' ? 'ts' : 'bucket';
    const columns = level === 'points' ? 'r.ts AS time_ms, r.value' : 'r.bucket AS time_ms, r.count, r.sum, r.min, r.max, r.avg, r.p50, r.p95, r.p99, r.last, r.last_ts AS last_ms';
    const rows = await this.db.read(
      `SELECT r.tenant AS tenant, r.dataset AS dataset, r.series_id AS series_id, s.series_key AS series_key, s.label_names AS names, s.label_values AS vals, ${columns}
       FROM ${this.db.table(LEVEL_TABLE[level])} AS r ${level === 'points' ? '' : 'FINAL'}
       ALL INNER JOIN (SELECT series_id, series_key, label_names, label_values FROM ${this.db.localTable('series')} FINAL
                       WHERE tenant = ${sqlString(tenant)} AND dataset = ${sqlString(dataset)}) AS s USING series_id
       WHERE r.tenant = ${sqlString(tenant)} AND r.dataset = ${sqlString(dataset)} AND r.${time} >= ${sqlNumber(range.start)} AND r.${time} < ${sqlNumber(range.end)}
       ORDER BY r.series_id, r.${time}`,
    );
    const dir = await mkdtemp(join(tmpdir(), 'sextant-export-'));
    const duck = await DuckDbHandle.open(':memory:');
    try {
      const ndjson = join(dir, 'rows.ndjson');
      await writeFile(ndjson, rows.map((r) => JSON.stringify(r)).join('\n'));
      const rollupColumns = level === 'points' ? 'value' : 'count, sum, min, max, avg, p50, p95, p99, last, last_ms';
      const types = level === 'points' ? `value: 'DOUBLE'` : `count: 'BIGINT', sum: 'DOUBLE', min: 'DOUBLE', max: 'DOUBLE', avg: 'DOUBLE', p50: 'DOUBLE', p95: 'DOUBLE', p99: 'DOUBLE', last: 'DOUBLE', last_ms: 'BIGINT'`;
      return await duck.exportCopy(
        `COPY (SELECT tenant, dataset, series_id, series_key, map_from_entries(list_zip(names, vals)) AS labels, epoch_ms(time_ms) AS time, time_ms, ${rollupColumns}
               FROM read_json($1, format = 'newline_delimited', columns = {tenant: 'VARCHAR', dataset: 'VARCHAR', series_id: 'BIGINT', series_key: 'VARCHAR',
                    names: 'VARCHAR[]', vals: 'VARCHAR[]', time_ms: 'BIGINT', ${types}})
               ORDER BY series_id, time_ms) TO $2 (FORMAT parquet)`,
        [ndjson, target],
      );
    } finally {
      await duck.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  async sizeBytes(): Promise<number> {
    const [row] = await this.db.read(`SELECT sum(bytes_on_disk) AS b FROM ${this.db.system('parts')} WHERE database = ${sqlString(this.db.database)} AND active`);
    return Number(row?.b ?? 0);
  }

  /** Loads what the alert intake log holds (what cannot be loaded now stays in it for the next start). */
  async close(): Promise<void> {
    this.open = false;
    try {
      await this.alertStore?.close();
    } finally {
      if (this.closesClient) await this.db.client.close();
    }
  }
}

function asQueryError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/regular expression|re2|regexp/i.test(message)) throw new QueryError(`query.filters: a regular expression is not valid (${message.split('\n')[0]})`);
  throw error;
}
