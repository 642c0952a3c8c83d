import { z } from 'zod';
import { duration, flag, integer, text } from '../fields.js';

export const warehouseSection = z
  .strictObject({
    /** DuckDB file, relative to the config file's directory; ":memory:" keeps nothing on disk. */
    path: text('a file path').default('data/sextant.duckdb'),
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
  .prefault({});

export type WarehouseConfig = z.output<typeof warehouseSection>;
