// The ClickHouse tables of a warehouse (on a cluster: each shard's local tables and Distributed
// tables over them, see clickhouse-connection.ts). Points and rollups are MergeTree tables ordered
// by tenant, dataset, series and time (what every query filters on), partitioned by blocks of time
// so that retention drops whole partitions instead of rewriting parts. Rollup rows are recomputed, never
// updated: a ReplacingMergeTree keeps the newest version of a bucket, and reads use FINAL. Codecs
// (Delta/DoubleDelta for times, Gorilla for values, ZSTD on top) need ClickHouse 19.1 or later and
// are left out on older servers.
import { LEVEL_TABLE, LEVEL_WIDTH_MS, ROLLUP_LEVELS } from '../levels.js';
import type { RollupLevel, StorageLevel } from '../warehouse.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlString, sqlStrings } from './sql-literal.js';

const DAY_MS = 86_400_000;

/** Width of one partition of each level: retention drops a partition once all of it is too old. */
export const PARTITION_MS: Record<StorageLevel, number> = {
  points: DAY_MS,
  '5m': DAY_MS,
  '1h': 30 * DAY_MS,
  '1d': 365 * DAY_MS,
};

export interface SchemaOptions {
  database: string;
  /** Column codecs (ClickHouse >= 19.1). */
  codecs: boolean;
}

/** A table: its columns, its engine clause, and the expression that picks its shard on a cluster. */
export interface TableSpec {
  name: string;
  columns: string;
  engine: string;
  /** Rows of one series share a shard (the series id is a hash of its identity); small tables go by dataset. */
  shardBy: string;
  /**
   * Columns added after the table first shipped (`name Type`): a new table is created with them, and
   * addMissingColumns adds them to a table created before.
   */
  added?: string[];
}

function allColumns(t: TableSpec): string {
  return [t.columns, ...(t.added ?? [])].join(', ');
}

const BY_SERIES = 'series_id';
const BY_DATASET = 'cityHash64(tenant, dataset)';

export function tableSpecs(o: SchemaOptions): TableSpec[] {
  const codec = (spec: string): string => (o.codecs ? ` CODEC(${spec})` : '');
  const rollup = (level: RollupLevel): TableSpec => ({
    name: LEVEL_TABLE[level],
    columns: `tenant String, dataset String, series_id Int64,
      bucket Int64${codec('DoubleDelta, ZSTD')},
      count UInt64, sum Float64, min Float64, max Float64, avg Float64, p50 Float64, p95 Float64, p99 Float64,
      last Float64, last_ts Int64, version UInt64`,
    engine: `ReplacingMergeTree(version) PARTITION BY intDiv(bucket, ${PARTITION_MS[level]}) ORDER BY (tenant, dataset, series_id, bucket)`,
    shardBy: BY_SERIES,
  });
  return [
    {
      name: 'points',
      columns: `tenant String, dataset String, series_id Int64, ts Int64${codec('DoubleDelta, ZSTD')}, value Float64${codec('Gorilla, ZSTD')}`,
      engine: `MergeTree PARTITION BY intDiv(ts, ${PARTITION_MS.points}) ORDER BY (tenant, dataset, series_id, ts)`,
      shardBy: BY_SERIES,
    },
    // Labels as two arrays: Map needs ClickHouse 21.1. On a cluster a series row sits on the shard
    // of its points, so each shard joins its points with its own series rows.
    {
      name: 'series',
      columns: `tenant String, dataset String, series_id Int64, series_key String,
      label_names Array(String), label_values Array(String), first_seen_ms Int64, last_seen_ms Int64, version UInt64`,
      engine: 'ReplacingMergeTree(version) ORDER BY (tenant, dataset, series_id)',
      shardBy: BY_SERIES,
    },
    {
      name: 'watermarks',
      columns: 'tenant String, dataset String, watermark_ms Int64',
      engine: 'ReplacingMergeTree(watermark_ms) ORDER BY (tenant, dataset)',
      shardBy: BY_DATASET,
    },
    {
      name: 'ingest_runs',
      columns: `tenant String, dataset String, window_start_ms Int64, window_end_ms Int64, rows UInt64,
      status String, error Nullable(String), duration_ms Float64, finished_at_ms Int64`,
      engine: 'MergeTree ORDER BY (tenant, finished_at_ms)',
      shardBy: BY_DATASET,
    },
    // Windows written since the last rollup run; a run recomputes their buckets, then deletes them.
    {
      name: 'rollup_dirty',
      columns: 'tenant String, dataset String, start_ms Int64, end_ms Int64, seq UInt64',
      engine: 'MergeTree ORDER BY seq',
      shardBy: BY_DATASET,
    },
    ...ROLLUP_LEVELS.map(rollup),
  ];
}

/**
 * The DDL that creates `tables` in stages; the statements of one stage are independent of each
 * other. On one server: the database, then the tables. On a cluster, all ON CLUSTER: the database,
 * then each shard's `name_local` table, then the Distributed `name` table over them.
 */
export function createStages(db: ClickHouseConnection, tables: readonly TableSpec[]): string[][] {
  const database = [`CREATE DATABASE IF NOT EXISTS ${db.database}${db.onCluster}`];
  const local = tables.map((t) => `CREATE TABLE IF NOT EXISTS ${db.localTable(t.name)}${db.onCluster} (${allColumns(t)}) ENGINE = ${t.engine}`);
  if (db.cluster === undefined) return [database, local];
  const distributed = tables.map(
    (t) => `CREATE TABLE IF NOT EXISTS ${db.table(t.name)}${db.onCluster} AS ${db.localTable(t.name)}
      ENGINE = Distributed(${db.cluster}, ${db.database}, ${db.localName(t.name)}, ${t.shardBy})`,
  );
  return [database, local, distributed];
}

/**
 * Runs the stages in order (without the database's with `database: false`). On a cluster each ON CLUSTER statement waits for every shard (about
 * half a second each on 18.16), so a stage's statements are sent together.
 */
export async function createTables(db: ClickHouseConnection, tables: readonly TableSpec[], options: { database: boolean } = { database: true }): Promise<void> {
  const stages = createStages(db, tables);
  for (const stage of options.database ? stages : stages.slice(1)) {
    if (db.cluster === undefined) for (const statement of stage) await db.run(statement);
    else await Promise.all(stage.map((statement) => db.run(statement)));
  }
}

/**
 * Adds the `added` columns that the tables of a warehouse created by an older Sextant lack (on a
 * cluster to each shard's table, then to the Distributed one), so its rows read back with the
 * columns' defaults. Only what system.columns says is missing is altered (18.16 has no ADD COLUMN
 * IF NOT EXISTS): opening an up-to-date warehouse runs no DDL. A column that another process added
 * in the meantime makes the ALTER fail, which is then no error.
 */
export async function addMissingColumns(db: ClickHouseConnection, tables: readonly TableSpec[]): Promise<void> {
  const wanted = tables.flatMap((t) =>
    (t.added ?? []).flatMap((definition) => [...new Set([db.localName(t.name), t.name])].map((table) => ({ table, definition, name: definition.trim().split(/\s+/)[0]! }))),
  );
  if (wanted.length === 0) return;
  const present = async (): Promise<Set<string>> => {
    const rows = await db.read(
      `SELECT table, name FROM system.columns WHERE database = ${sqlString(db.database)} AND table IN (${sqlStrings([...new Set(wanted.map((w) => w.table))])})`,
    );
    return new Set(rows.map((r) => `${String(r.table)}.${String(r.name)}`));
  };
  const before = await present();
  for (const w of wanted) {
    if (before.has(`${w.table}.${w.name}`)) continue;
    try {
      await db.run(`ALTER TABLE ${db.table(w.table)}${db.onCluster} ADD COLUMN ${w.definition}`);
    } catch (error) {
      if (!(await present()).has(`${w.table}.${w.name}`)) throw error;
    }
  }
}

/** The first bucket of `level` at or before `ms`, and the end of the last bucket that `end` touches. */
export function bucketSpan(level: RollupLevel, start: number, end: number): { start: number; end: number } {
  const width = LEVEL_WIDTH_MS[level];
  return { start: Math.floor(start / width) * width, end: Math.ceil(end / width) * width };
}
