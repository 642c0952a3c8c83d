// The reading connections of one DuckDB database, and who gets them first. DuckDB runs queries of
// different connections of one instance at the same time, each in its own snapshot, so an API
// request's read need not wait behind a job's long read (a score run's points, a 100,000-instance
// alert history, weeks of rollups for the analyzers). Reads of background work (scheduled jobs,
// backfills: whatever runs inside `inBackground`) use one connection at a time, so the others are
// left for requests, and when a connection frees, a waiting request's read gets it before a
// waiting job's.
//
// Why four connections (duckdb-handle.ts): with two, requests had one between them, and a slow read
// (a 100,000-instance alert history) held up every other request behind it; with four, the soak's
// p99 halved (bench/results/soak.md). @duckdb/node-api runs every statement on a thread of libuv's
// pool, which also serves the file system (the alert intake's fsyncs): the `sextant` command gives
// it a thread for each connection and four more (exporter/bin/sextant.js).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DuckDBConnection } from '@duckdb/node-api';

const background = new AsyncLocalStorage<true>();
/** Connections background work may read on at once. */
const MAX_BACKGROUND = 1;

/**
 * Runs `work` as background work: its warehouse reads, and those of everything it starts, wait
 * for requests' reads and never take the connection kept for requests.
 */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

/**
 * Runs `work` as a request's: its reads take any free connection and go before background work's,
 * even when background work started it (a job's write refreshing what requests read).
 */
export function asRequest<T>(work: () => Promise<T>): Promise<T> {
  return background.exit(work);
}

interface Waiter {
  grant: (connection: DuckDBConnection) => void;
}

export class ReaderPool {
  private readonly idle: DuckDBConnection[];
  private readonly requestsWaiting: Waiter[] = [];
  private readonly backgroundWaiting: Waiter[] = [];
  private backgroundReading = 0;
  /** Every use not yet ended (waiting or reading), each settled without an error. */
  private readonly unfinished = new Set<Promise<unknown>>();

  constructor(private readonly connections: readonly DuckDBConnection[]) {
    if (connections.length === 0) throw new Error('a reader pool needs at least one connection');
    this.idle = [...connections];
  }

  /** Runs `read` with a connection to itself, released when it settles. */
  use<T>(read: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const isBackground = background.getStore() === true;
    const result = this.acquire(isBackground).then(async (connection) => {
      try {
        return await read(connection);
      } finally {
        this.release(connection, isBackground);
      }
    });
    const ended = result.then(
      () => undefined,
      () => undefined,
    );
    this.unfinished.add(ended);
    void ended.then(() => this.unfinished.delete(ended));
    return result;
  }

  /** Runs `fn` once every use started before this call has ended; uses started later do not wait for it. */
  afterUses<T>(fn: () => Promise<T>): Promise<T> {
    return Promise.all([...this.unfinished]).then(fn);
  }

  /** Resolves once no use is waiting or reading (for close). */
  async drain(): Promise<void> {
    while (this.unfinished.size) await Promise.all([...this.unfinished]);
  }

  closeSync(): void {
    for (const connection of this.connections) connection.closeSync();
  }

  private acquire(isBackground: boolean): Promise<DuckDBConnection> {
    if (this.idle.length && (!isBackground || this.backgroundReading < MAX_BACKGROUND)) {
      if (isBackground) this.backgroundReading += 1;
      return Promise.resolve(this.idle.pop()!);
    }
    return new Promise((grant) => (isBackground ? this.backgroundWaiting : this.requestsWaiting).push({ grant }));
  }

  private release(connection: DuckDBConnection, wasBackground: boolean): void {
    if (wasBackground) this.backgroundReading -= 1;
    const request = this.requestsWaiting.shift();
    if (request) return request.grant(connection);
    if (this.backgroundWaiting.length && this.backgroundReading < MAX_BACKGROUND) {
      this.backgroundReading += 1;
      return this.backgroundWaiting.shift()!.grant(connection);
    }
    this.idle.push(connection);
  }
}
