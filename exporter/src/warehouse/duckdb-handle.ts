// One DuckDB database per process, with writes serialised through a promise queue and each write
// in its own transaction. DuckDB allows a single writing process per file, and one writer
// connection inside it keeps transactions from conflicting; reads use other connections (a small
// pool, see reader-pool.ts) so they see committed data only, never block behind a long write, and
// a request's read does not wait behind a job's long one.
//
// A writer of its own (openWriter) is for writes that must not queue behind the jobs' (the alert
// intake's loads, which every alert history read waits for): DuckDB runs transactions of different
// connections at the same time, and fails one that changes rows another changed, so such a writer
// is only for tables that no other writer changes. Commits still take turns inside DuckDB, but a
// commit is short next to a job's whole write (an ingest window, a rollup).
import { stat } from 'node:fs/promises';
import {
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBAppender,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { yieldToEventLoop } from '../event-loop.js';
import { ReaderPool } from './reader-pool.js';

/** A value bound to a `$n` placeholder. Integers are bound as BIGINT, other numbers as DOUBLE. */
export type SqlParam = string | number | bigint | boolean | null;
export type Row = Record<string, unknown>;

/** What a write transaction can do; every call joins the transaction that `write` opened. */
export interface WriteContext {
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: SqlParam[]): Promise<number>;
  read(sql: string, params?: SqlParam[]): Promise<Row[]>;
  /**
   * Bulk-inserts rows through DuckDB's Appender. `columns` are in the table's column order, one
   * array per column, all of the same length, or a `Repeated` value that every row holds;
   * numbers for BIGINT columns are converted here.
   */
  append(table: string, columns: readonly AppendColumn[]): Promise<number>;
  /**
   * Runs `fn` once the transaction has committed, never if it rolls back: for what the caller
   * keeps in memory about the tables (a cache must not learn of rows that were never stored).
   */
  onCommit(fn: () => void): void;
  /** The raw connection, for what the methods above do not cover. */
  readonly connection: DuckDBConnection;
}

/** What a read session (`readSession`) can do, all in its one snapshot. */
export interface ReadSession {
  read(sql: string, params?: SqlParam[]): Promise<Row[]>;
  /** Runs a COPY ... TO; returns the rows written out. */
  exportCopy(sql: string, params?: SqlParam[]): Promise<number>;
}

/**
 * A column whose every row holds one value (a tenant, a dataset): written into each data chunk
 * once rather than per row, so appending it costs nothing per row.
 */
export class Repeated {
  constructor(readonly value: DuckDBValue) {}
}

/** An appended column: one value per row (a Float64Array for numbers avoids boxing), or Repeated. */
export type AppendColumn = readonly unknown[] | Float64Array | Repeated;

export interface DuckDbHandleOptions {
  /** DuckDB settings such as `threads` or `memory_limit`. */
  settings?: Record<string, string>;
  /** Reading connections (default 4: jobs read on one of them at a time, see reader-pool.ts). */
  readers?: number;
}

/** The database file is locked by another process (DuckDB allows one writer per file). */
export class DatabaseLockedError extends Error {
  constructor(
    readonly path: string,
    cause: string,
  ) {
    super(
      `the warehouse file ${path} is held by another process (most likely a running "sextant serve"); ` +
        `DuckDB allows one process per file, so stop that service or go through its API. DuckDB said: ${cause}`,
    );
    this.name = 'DatabaseLockedError';
  }
}

const CHUNK_ROWS = 2048;
/**
 * Chunks appended between two turns of the event loop (65,536 rows, 10-20 ms): the appender runs in
 * the calling thread, and a window of a large source holds millions of rows.
 */
const CHUNKS_PER_TURN = 32;
/** Rows staged in the temporary table before they move to the table (see appendColumns): 8 turns. */
const STAGE_ROWS = CHUNK_ROWS * CHUNKS_PER_TURN * 8;

/** One writing connection and its queue: each transaction starts once the one before it has ended. */
export class DuckDbWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connection: DuckDBConnection,
    /** Rejects the write when the handle is closed (undefined while it is open). */
    private readonly refuse: () => Promise<never> | undefined,
  ) {}

  /**
   * Runs `fn` in one transaction after every earlier write of this writer has finished: COMMIT when
   * it resolves, ROLLBACK when it throws (and the error is rethrown), so a failed write leaves nothing behind.
   */
  write<T>(fn: (tx: WriteContext) => Promise<T>): Promise<T> {
    const refused = this.refuse();
    if (refused) return refused;
    const result = this.queue.then(() => inTransaction(this.connection, fn));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every write queued so far has ended. */
  drained(): Promise<unknown> {
    return this.queue;
  }

  closeSync(): void {
    this.connection.closeSync();
  }
}

export class DuckDbHandle {
  private closed = false;
  /** The main writer first, then those of openWriter. */
  private readonly writers: DuckDbWriter[];

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    writer: DuckDBConnection,
    private readonly readers: ReaderPool,
  ) {
    this.writers = [new DuckDbWriter(writer, () => this.refuseIfClosed())];
  }

  static async open(path: string, options: DuckDbHandleOptions = {}): Promise<DuckDbHandle> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, options.settings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/lock/i.test(message)) throw new DatabaseLockedError(path, message);
      throw new Error(`cannot open the warehouse file ${path}: ${message}`);
    }
    const writer = await instance.connect();
    const readers = await Promise.all(Array.from({ length: Math.max(1, options.readers ?? 4) }, () => instance.connect()));
    return new DuckDbHandle(path, instance, writer, new ReaderPool(readers));
  }

  /**
   * Reads committed data; rows come back as plain objects (BIGINT as number, timestamps in ms), see
   * readRows. Reads run at the same time on the pool's connections: a read sees every write that
   * committed before it started, in no particular order with other reads.
   */
  read(sql: string, params: SqlParam[] = []): Promise<Row[]> {
    if (this.closed) return this.closedError();
    return this.readers.use((reader) => readRows(reader, sql, params));
  }

  /**
   * Reads committed data chunk by chunk (about 2,048 rows each), handing `onChunk` one array per
   * column of DuckDB values (cast numbers to DOUBLE in the SQL to get plain numbers). For reads of
   * millions of rows: no object per row, and the event loop gets a turn between chunks.
   */
  readChunks(sql: string, params: SqlParam[], onChunk: (columns: unknown[][]) => void): Promise<void> {
    if (this.closed) return this.closedError();
    return this.readers.use(async (reader) => {
      const stream = await reader.stream(sql, params.length ? toValues(params) : undefined);
      for (let chunk = await stream.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await stream.fetchChunk()) {
        onChunk(chunk.getColumns());
        // Each fetch is back from libuv's pool within the same poll phase of the event loop, and the
        // next one with it: without a turn (a setImmediate), a read of millions of points kept the
        // loop's timers waiting 100-160 ms in the soak.
        await yieldToEventLoop();
      }
    });
  }

  /** Runs a COPY ... TO on a reading connection; returns the rows written out. */
  exportCopy(sql: string, params: SqlParam[] = []): Promise<number> {
    if (this.closed) return this.closedError();
    return this.readers.use(async (reader) => (await reader.run(sql, toValues(params))).rowsChanged);
  }

  /**
   * Runs `fn` with a reading connection to itself, in one transaction: every statement it runs
   * sees the same committed snapshot (a list of cold files read first agrees with the tables read
   * after it).
   */
  readSession<T>(fn: (session: ReadSession) => Promise<T>): Promise<T> {
    if (this.closed) return this.closedError();
    return this.readers.use((reader) => inSession(reader, fn));
  }

  /**
   * Runs `fn` once every read started before this call has finished (to delete a file those reads
   * may use). Reads started later do not wait: they see only what committed before they started.
   */
  afterReads<T>(fn: () => Promise<T>): Promise<T> {
    return this.readers.afterUses(fn);
  }

  /**
   * Runs `fn` in one transaction after every earlier write has finished: COMMIT when it resolves,
   * ROLLBACK when it throws (and the error is rethrown), so a failed write leaves nothing behind.
   */
  write<T>(fn: (tx: WriteContext) => Promise<T>): Promise<T> {
    return this.writers[0]!.write(fn);
  }

  /**
   * A writer on a connection of its own, whose writes do not wait for this handle's `write`s (nor
   * they for its): only for tables that no other writer changes. Closed with the handle.
   */
  async openWriter(): Promise<DuckDbWriter> {
    const refused = this.refuseIfClosed();
    if (refused) return refused;
    const connection = await this.instance.connect();
    if (this.closed) {
      connection.closeSync();
      return this.closedError();
    }
    const writer = new DuckDbWriter(connection, () => this.refuseIfClosed());
    this.writers.push(writer);
    return writer;
  }

  /** Bytes on disk: the database file and its write-ahead log. */
  async sizeBytes(): Promise<number> {
    if (this.path === ':memory:' || this.path === '') return 0;
    let total = 0;
    for (const file of [this.path, `${this.path}.wal`]) {
      total += await stat(file).then(
        (s) => s.size,
        () => 0,
      );
    }
    return total;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Waits for queued writes and reads, then closes; DuckDB checkpoints the WAL on close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.writers.map((writer) => writer.drained()));
    await this.readers.drain();
    this.readers.closeSync();
    for (const writer of this.writers) writer.closeSync();
    this.instance.closeSync();
  }

  private closedError(): Promise<never> {
    return Promise.reject(new Error(`the warehouse ${this.path} is closed`));
  }

  private refuseIfClosed(): Promise<never> | undefined {
    return this.closed ? this.closedError() : undefined;
  }
}

/** `fn` in one write transaction on `connection`; see DuckDbWriter.write. */
async function inTransaction<T>(connection: DuckDBConnection, fn: (tx: WriteContext) => Promise<T>): Promise<T> {
  const committed: (() => void)[] = [];
  const tx: WriteContext = {
    connection,
    run: async (sql, params = []) => (await connection.run(sql, toValues(params))).rowsChanged,
    read: (sql, params = []) => readRows(connection, sql, params),
    append: (table, columns) => appendColumns(connection, table, columns),
    onCommit: (callback) => committed.push(callback),
  };
  await runStatement(connection, 'BEGIN TRANSACTION');
  let value: T;
  try {
    value = await fn(tx);
  } catch (error) {
    await runStatement(connection, 'ROLLBACK');
    throw error;
  }
  await runStatement(connection, 'COMMIT');
  // Before the next queued write starts, so that write already sees what this one changed.
  for (const callback of committed) callback();
  return value;
}

/** `fn` in one read transaction on `reader`, its statements one at a time even when it starts several at once. */
async function inSession<T>(reader: DuckDBConnection, fn: (session: ReadSession) => Promise<T>): Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <R>(statement: () => Promise<R>): Promise<R> => {
    const result = turn.then(statement);
    turn = result.catch(() => undefined);
    return result;
  };
  const session: ReadSession = {
    read: (sql, params = []) => inTurn(() => readRows(reader, sql, params)),
    exportCopy: (sql, params = []) => inTurn(async () => (await reader.run(sql, toValues(params))).rowsChanged),
  };
  await runStatement(reader, 'BEGIN TRANSACTION');
  let value: T;
  try {
    value = await fn(session);
  } catch (error) {
    // Statements the caller started and did not await must end before the transaction does.
    await turn;
    await runStatement(reader, 'ROLLBACK');
    throw error;
  }
  await runStatement(reader, 'COMMIT');
  return value;
}

function toValues(params: SqlParam[]): DuckDBValue[] {
  return params as DuckDBValue[];
}

/**
 * One statement, its whole result at once: a trip through libuv's pool to prepare it and one to run
 * it. connection.run() first extracts the statements (a third trip), and stream() takes one more for
 * each chunk and one for the end; every trip's answer waits its turn on the event loop, so while the
 * jobs kept the loop busy a read session (BEGIN, two reads, COMMIT: 16 trips) took 100-300 ms
 * (bench/results/soak.md). The statement is not kept for the next run of the same SQL: kept ones
 * answered wrong numbers once their table had changed.
 */
async function runStatement(connection: DuckDBConnection, sql: string, values: readonly DuckDBValue[] = []): Promise<DuckDBMaterializedResult> {
  const statement = await connection.prepare(sql);
  try {
    if (values.length) statement.bind([...values]);
    return await statement.run();
  } finally {
    statement.destroySync();
  }
}

/**
 * Rows of a query as plain objects, converted one chunk (about 2,048 rows) at a time with a turn of
 * the event loop between two chunks: however large the result (a 100,000-instance alert history),
 * what waits is served between chunks instead of after all of it.
 */
async function readRows(connection: DuckDBConnection, sql: string, params: SqlParam[]): Promise<Row[]> {
  const result = await runStatement(connection, sql, toValues(params));
  const names = result.deduplicatedColumnNames();
  const rows: Row[] = [];
  for (let i = 0; i < result.chunkCount; i++) {
    if (i > 0) await yieldToEventLoop();
    const chunk = result.getChunk(i);
    for (let r = 0; r < chunk.rowCount; r++) {
      const out: Row = {};
      chunk.visitRowValues(r, (value, _row, column, type) => {
        out[names[column]!] = plain(JSDuckDBValueConverter(value, type, JSDuckDBValueConverter));
      });
      rows.push(out);
    }
  }
  return rows;
}

/** BIGINT and friends to number, dates and timestamps to Unix ms, recursively through lists. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

/**
 * Appends through a temporary table of the connection's own, then moves the rows with one INSERT
 * ... SELECT. DuckDB's appender runs in the calling thread, and its flush waits for a checkpoint
 * that another connection's commit started (the intake writer's, say) to finish: appended straight
 * into the table, a checkpoint of 1 s blocked the event loop for 1 s. A temporary table lives in a
 * catalog of its own that no checkpoint of the warehouse locks, and the INSERT runs in libuv's pool.
 * At most STAGE_ROWS rows wait in the temporary table at a time.
 */
async function appendColumns(connection: DuckDBConnection, table: string, columns: readonly AppendColumn[]): Promise<number> {
  const lengths = columns.filter((c) => !(c instanceof Repeated)).map((c) => (c as ArrayLike<unknown>).length);
  const rows = lengths[0] ?? 0;
  if (lengths.length === 0) throw new Error(`append to ${table}: at least one column must list its values`);
  if (lengths.some((n) => n !== rows)) throw new Error(`append to ${table}: columns of different lengths`);
  if (rows === 0) return 0;
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`append to ${table}: not a plain table name`);
  const stage = `appending_${table}`;
  // Created again after a rollback took it away; the same columns and types as the table.
  await runStatement(connection, `CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT * FROM main.${table} LIMIT 0`);
  for (let start = 0; start < rows; start += STAGE_ROWS) {
    const end = Math.min(rows, start + STAGE_ROWS);
    const appender = await connection.createAppender(stage, 'main', 'temp');
    try {
      const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
      if (types.length !== columns.length) {
        throw new Error(`append to ${table}: ${columns.length} columns given, the table has ${types.length}`);
      }
      await appendChunks(appender, types, columns, start, end);
    } finally {
      appender.closeSync();
    }
    await runStatement(connection, `INSERT INTO main.${table} SELECT * FROM temp.main.${stage}`);
    await runStatement(connection, `DELETE FROM temp.main.${stage}`);
  }
  return rows;
}

/** Appends rows start..end chunk by chunk, giving the event loop a turn every CHUNKS_PER_TURN chunks. */
export async function appendChunks(
  appender: DuckDBAppender,
  types: DuckDBType[],
  columns: readonly AppendColumn[],
  start: number,
  end: number,
): Promise<void> {
  let chunk = newChunk(types, columns);
  for (let offset = start; offset < end; offset += CHUNK_ROWS) {
    if (offset > start && (offset - start) % (CHUNK_ROWS * CHUNKS_PER_TURN) === 0) await yieldToEventLoop();
    const chunkEnd = Math.min(end, offset + CHUNK_ROWS);
    // Resizing keeps the vectors' contents: the Repeated columns stay filled.
    chunk.rowCount = chunkEnd - offset;
    let general = false;
    columns.forEach((column, i) => {
      if (column instanceof Repeated) return;
      if (fillNumbers(chunk.getColumnVector(i), types[i]!, column, offset, chunkEnd)) return;
      chunk.setColumnValues(i, convertSlice(column, offset, chunkEnd, types[i]!));
      general = true;
    });
    appender.appendDataChunk(chunk);
    // The general path may have marked rows NULL, which the fast path would not clear.
    if (general) chunk = newChunk(types, columns);
  }
}

/** A full-size data chunk with its Repeated columns written. */
function newChunk(types: DuckDBType[], columns: readonly AppendColumn[]): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(types, CHUNK_ROWS);
  chunk.rowCount = CHUNK_ROWS;
  columns.forEach((column, i) => {
    if (column instanceof Repeated) chunk.setColumnValues(i, new Array<DuckDBValue>(CHUNK_ROWS).fill(column.value));
  });
  return chunk;
}

/**
 * Writes JS numbers straight into a BIGINT or DOUBLE vector's typed array: creating a BigInt per
 * value costs more than DuckDB's whole append, and 64-bit integers within 2^53 can be stored as
 * two 32-bit halves instead. Returns false when the column is not all finite integers (BIGINT)
 * or numbers (DOUBLE), or the vector is not laid out as expected; the caller then takes the
 * general path, which rewrites the whole vector.
 */
function fillNumbers(
  vector: DuckDBVector,
  type: DuckDBType,
  column: readonly unknown[] | Float64Array,
  start: number,
  end: number,
): boolean {
  const items = (vector as unknown as { items?: unknown }).items;
  if (type.typeId === DuckDBTypeId.DOUBLE && items instanceof Float64Array) {
    if (column instanceof Float64Array) items.set(column.subarray(start, end));
    else {
      for (let i = start; i < end; i++) {
        const v = column[i];
        if (typeof v !== 'number') return false;
        items[i - start] = v;
      }
    }
  } else if (type.typeId === DuckDBTypeId.BIGINT && items instanceof BigInt64Array && LITTLE_ENDIAN) {
    const halves = new Int32Array(items.buffer, items.byteOffset, items.length * 2);
    for (let i = start; i < end; i++) {
      const n = column[i];
      if (!Number.isSafeInteger(n)) return false;
      halves[2 * (i - start)] = (n as number) | 0; // low 32 bits (two's complement)
      halves[2 * (i - start) + 1] = Math.floor((n as number) / 4294967296);
    }
  } else return false;
  vector.flush();
  return true;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function convertSlice(column: readonly unknown[] | Float64Array, start: number, end: number, type: DuckDBType): DuckDBValue[] {
  const out = new Array<DuckDBValue>(end - start);
  if (type.typeId === DuckDBTypeId.BIGINT) {
    for (let i = start; i < end; i++) {
      const v = column[i];
      out[i - start] = typeof v === 'number' ? BigInt(v) : (v as DuckDBValue);
    }
  } else {
    for (let i = start; i < end; i++) out[i - start] = column[i] as DuckDBValue;
  }
  return out;
}
