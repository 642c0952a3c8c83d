import { hostname } from 'node:os';
import { z } from 'zod';
import { duration, flag, httpUrl, integer, name, oneOf, text } from '../fields.js';
import { secret } from '../secret.js';

/** Database and cluster names go into SQL as they are: plain identifiers only. */
const identifier = (what: string) =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/).describe(`a ${what}: a letter or _, then up to 63 letters, digits or _`);

/**
 * This process as one of several Sextant replicas on the same ClickHouse database: they split the
 * series to score and the datasets to ingest, and a dead one's share moves to the others.
 */
const replica = z
  .strictObject({
    /** Unique among the replicas (a hostname with a dot is replaced: names allow letters, digits, _ . : -). */
    id: name('replica').default(hostname().replace(/[^A-Za-z0-9_.:-]/g, '_').replace(/^[^A-Za-z_]/, '_').slice(0, 64)),
    /** Time between two membership rows written by this replica. */
    heartbeat: duration().prefault('5s'),
    /** A replica whose last row is this old is dead, and its share moves to the others: at least twice the heartbeat. */
    lease: duration().prefault('15s'),
  })
  .refine((r) => r.lease >= 2 * r.heartbeat, { message: 'lease must be at least twice the heartbeat', path: ['lease'] })
  .optional();

const clickhouse = z
  .strictObject({
    /** The ClickHouse server's HTTP interface, e.g. http://clickhouse:8123 (required for kind: clickhouse). */
    url: httpUrl().optional(),
    /** Database of Sextant's tables, created if missing. */
    database: identifier('database name').default('sextant'),
    user: text('a user name').default('default'),
    password: secret().optional(),
    /** A cluster of the servers' remote_servers: tables are created ON CLUSTER, sharded, read through Distributed tables. */
    cluster: identifier('cluster name').optional(),
    /** One request taking longer than this fails (ingest retries it at its next run). */
    requestTimeout: duration().prefault('60s'),
    /** Local directory of the alert intake log (acknowledged alerts wait here until ClickHouse has them), relative to the config file. */
    intakeDir: text('a directory path').default('data/alert-intake'),
    replica,
  })
  .optional();

export const warehouseSection = z
  .strictObject({
    /** duckdb: one embedded file (the default); clickhouse: a ClickHouse server or cluster (section clickhouse). */
    kind: oneOf(['duckdb', 'clickhouse']).default('duckdb'),
    clickhouse,
    /** DuckDB file, relative to the config file's directory; ":memory:" keeps nothing on disk. */
    path: text('a file path').default('data/sextant.duckdb'),
    /** DuckDB's threads (its `threads` setting); default: the machine's cores less one, at least 1. */
    threads: integer(1, 1024).optional(),
    /** How long each level keeps its rows. */
    retention: z
      .strictObject({
        points: duration().prefault('15d'),
        '5m': duration().prefault('90d'),
        '1h': duration().prefault('400d'),
        '1d': duration().prefault('1825d'),
      })
      .prefault({}),
    /**
     * The cold tier: each level's days older than its age move to Parquet files beside the
     * warehouse file (`<path>.cold/<level>/<day>.parquet`), read back by queries and export.
     */
    cold: z
      .strictObject({
        enabled: flag().default(false),
        after: z
          .strictObject({
            points: duration().prefault('7d'),
            '5m': duration().prefault('30d'),
            '1h': duration().prefault('30d'),
            '1d': duration().prefault('90d'),
          })
          .prefault({}),
        interval: duration().prefault('1h'),
      })
      .prefault({}),
    rollupInterval: duration().prefault('1m'),
    retentionInterval: duration().prefault('1h'),
    /** Limits of one BI query (POST /api/v1/query): longest range per bucket, widest query. */
    query: z
      .strictObject({
        maxRange: z
          .strictObject({
            raw: duration().prefault('7d'),
            '5m': duration().prefault('90d'),
            '1h': duration().prefault('400d'),
            '1d': duration().prefault('1825d'),
          })
          .prefault({}),
        maxMeasures: integer(1, 9).default(9),
        maxGroupBy: integer(0, 32).default(8),
        maxFilters: integer(0, 64).default(16),
        /** Series one query may match after its filters. */
        maxSeries: integer(1, 10_000_000).default(10_000),
        /** Rows (groups x time buckets) one answer may hold. */
        maxRows: integer(1, 100_000_000).default(500_000),
      })
      .prefault({}),
    /** Reference tables (business data imported with `sextant import` or PUT /api/v1/reference/{name}). */
    reference: z
      .strictObject({
        /** Largest file one import may send; larger ones get 413 as soon as the size is known. */
        maxImportBytes: integer(1, 64 * 1_073_741_824).default(268_435_456),
      })
      .prefault({}),
  })
  .prefault({})
  .superRefine((warehouse, ctx) => {
    if (warehouse.kind === 'clickhouse' && warehouse.clickhouse?.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clickhouse', 'url'], message: 'required when warehouse.kind is clickhouse' });
    }
    if (warehouse.kind === 'duckdb' && warehouse.clickhouse !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clickhouse'], message: 'set only with warehouse.kind: clickhouse (the warehouse is the DuckDB file warehouse.path)' });
    }
  });

export type WarehouseConfig = z.output<typeof warehouseSection>;
