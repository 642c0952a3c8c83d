import type { BiQuery, DataFrame, Series, TimeRange } from '@sextant/core';
import type { ColdTier } from './cold-tier.js';

/** Outcome of one ingest attempt of one dataset window, kept in the ingest_runs table. */
export interface IngestRun {
  tenant: string;
  dataset: string;
  window: TimeRange;
  rows: number;
  status: 'ok' | 'error';
  error?: string;
  durationMs: number;
  finishedAt: number;
}

export type RollupLevel = '5m' | '1h' | '1d';
export type StorageLevel = 'points' | RollupLevel;

export interface RollupResult {
  /** Rollup rows written per level in this run. */
  rows: Record<RollupLevel, number>;
}

/**
 * Sextant's warehouse: granular points, rollups and reference data, every row with its tenant.
 * The DuckDB adapter is the embedded default; one process owns it and writes are serialised.
 */
export interface Warehouse {
  /** Applies pending schema migrations; returns the schema version now in force. */
  migrate(): Promise<number>;
  /** True once open and migrated, false after close. */
  isReady(): boolean;
  /**
   * In one transaction: deletes the points of `dataset` for `tenant` in `window`, inserts `series`
   * (only samples inside the window), upserts the series' reference rows, and moves the dataset's
   * watermark to `window.end` if that is later. Re-running a window therefore replaces it.
   * Returns the number of points written.
   */
  replaceWindow(tenant: string, dataset: string, window: TimeRange, series: Series[]): Promise<number>;
  /** End of the last window ingested for the dataset, or undefined if none. */
  watermark(tenant: string, dataset: string): Promise<number | undefined>;
  /** The watermark of each of the tenant's datasets that has one, by dataset (GET /datasets). */
  watermarks(tenant: string): Promise<Map<string, number>>;
  recordIngestRun(run: IngestRun): Promise<void>;
  listIngestRuns(tenant: string, limit: number): Promise<IngestRun[]>;
  /** Brings every rollup level up to date with the points, touching only buckets with new data. */
  rollup(): Promise<RollupResult>;
  /** Deletes what is older than each level's retention; returns rows deleted per level. */
  enforceRetention(now: number): Promise<Record<StorageLevel, number>>;
  /** Answers a structured query with parameterised SQL, only over the tenant's rows. */
  query(tenant: string, query: BiQuery): Promise<DataFrame[]>;
  /** Writes a dataset's rows at a level over a range to a Parquet file; returns rows written. */
  exportParquet(tenant: string, dataset: string, level: StorageLevel, range: TimeRange, file: string): Promise<number>;
  /**
   * Old days of points and rollups in Parquet files, read back by queries and export, where the
   * engine has such a tier (DuckDB; ClickHouse keeps its history compressed in its own parts).
   */
  readonly cold?: ColdTier;
  /** Bytes the warehouse occupies on disk. */
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}
