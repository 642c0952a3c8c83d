// DuckDB's raw Appender rate on this machine, into a table shaped like `points`. Exported so the
// ingest benchmark can measure it in the same run as end-to-end ingest (the ratio is the goal;
// absolute rates swing with the machine's load).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import { DuckDbHandle } from '../exporter/src/warehouse/duckdb-handle.js';

export interface AppenderRate {
  rows: number;
  /** DuckDB values prepared beforehand, appended chunk by chunk: the engine's ceiling. */
  rawRowsPerSecond: number;
  /** Plain JS numbers through DuckDbHandle's `append` in one write (what replaceWindow does). */
  handleRowsPerSecond: number;
}

const POINTS = `CREATE TABLE points (tenant VARCHAR NOT NULL, dataset VARCHAR NOT NULL,
  series_id BIGINT NOT NULL, ts BIGINT NOT NULL, value DOUBLE NOT NULL)`;

export async function measureAppenderRate(rows = 2_000_000, series = 1000): Promise<AppenderRate> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-appender-'));
  try {
    return {
      rows,
      rawRowsPerSecond: await rawRate(join(dir, 'raw.duckdb'), rows, series),
      handleRowsPerSecond: await handleRate(join(dir, 'handle.duckdb'), rows, series),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rawRate(path: string, rows: number, series: number): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(POINTS);
  const size = 2048;
  const chunks: unknown[][][] = [];
  for (let offset = 0; offset < rows; offset += size) {
    const n = Math.min(size, rows - offset);
    const ids = new Array<bigint>(n);
    const ts = new Array<bigint>(n);
    const values = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const row = offset + i;
      ids[i] = BigInt(row % series);
      ts[i] = BigInt(1_767_571_200_000 + Math.floor(row / series) * 60_000);
      values[i] = Math.sin(row);
    }
    chunks.push([new Array(n).fill('default'), new Array(n).fill('bench'), ids, ts, values]);
  }
  const started = performance.now();
  await connection.run('BEGIN TRANSACTION');
  const appender = await connection.createAppender('points');
  const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, BIGINT, BIGINT, DOUBLE], size);
  for (const columns of chunks) {
    chunk.setColumns(columns as never);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  await connection.run('COMMIT');
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  return rows / seconds;
}

async function handleRate(path: string, rows: number, series: number): Promise<number> {
  const handle = await DuckDbHandle.open(path);
  await handle.write((tx) => tx.run(POINTS));
  const ids = new Array<number>(rows);
  const ts = new Array<number>(rows);
  const values = new Array<number>(rows);
  for (let row = 0; row < rows; row++) {
    ids[row] = row % series;
    ts[row] = 1_767_571_200_000 + Math.floor(row / series) * 60_000;
    values[row] = Math.sin(row);
  }
  const started = performance.now();
  await handle.write((tx) => tx.append('points', [new Array(rows).fill('default'), new Array(rows).fill('bench'), ids, ts, values]));
  const seconds = (performance.now() - started) / 1000;
  await handle.close();
  return rows / seconds;
}
