// Runs the core's pure functions (and a few of the service's, such as rendering a workbook) in worker
// threads, so that a computation that grows with the data (training a forest, building a report)
// never holds the service's event loop. One pool for every job and route: a few long-lived workers,
// tasks queued in order, a task's worker ended when its signal aborts.
import { Worker, type TransferListItem } from 'node:worker_threads';

/**
 * A function by the module that exports it and its name: a function of the core by its package
 * ('@sextant/core/predict'), one of the service's by its file's URL. It may return a promise.
 */
export interface WorkerFunction {
  module: string;
  name: string;
}

export interface WorkerPoolOptions {
  /** Workers at most (default 1: the machine's other cores serve DuckDB and the event loop). */
  size?: number;
  /**
   * The workers' nice value on Linux (default WORKER_NICENESS), their own: the event loop and
   * DuckDB's threads keep theirs. Elsewhere a process has one nice value, and it is left alone.
   */
  niceness?: number;
}

/**
 * What the workers compute (scoring, training, reports) can wait a few milliseconds for a core;
 * a request cannot: on a busy machine the kernel runs the event loop and DuckDB first.
 */
export const WORKER_NICENESS = 10;

interface Task {
  url: string;
  name: string;
  args: unknown[];
  transfer: readonly TransferListItem[];
  signal: AbortSignal | undefined;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: string; errorName: string };

/** A task's error as the core threw it: same message, same name (e.g. NotEnoughDataError). */
export class WorkerTaskError extends Error {
  constructor(message: string, readonly errorName: string) {
    super(message);
  }
}

// Given as source so that the worker imports the built core both in the service and under tsx in
// tests (the modules are resolved to files by the pool, in the main thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// On Linux a thread's nice value is its own: setPriority(0, ...) lowers this worker's alone (only
// lowers: a service started nicer keeps that).
const os = require('node:os');
if (process.platform === 'linux' && os.getPriority(0) < workerData.niceness) os.setPriority(0, workerData.niceness);
// A module given as TypeScript source (the tests run the service's own modules under tsx, which
// worker threads do not inherit) is loaded through tsx's loader, registered once.
let typescript;
const load = (url) => {
  if (!url.endsWith('.ts')) return import(url);
  typescript ??= import('tsx/esm/api').then(({ register }) => register());
  return typescript.then(() => import(url));
};
parentPort.on('message', ({ url, name, args }) => {
  load(url).then((module) => {
    if (typeof module[name] !== 'function') throw new Error(url + ' exports no function ' + name);
    return module[name](...args);
  }).then((value) => parentPort.postMessage({ ok: true, value })).catch((error) => parentPort.postMessage({ ok: false, error: String(error && error.message || error), errorName: String(error && error.name || 'Error') }));
});
`;

export class WorkerPool {
  private readonly size: number;
  private readonly niceness: number;
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private busy = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 1);
    this.niceness = options.niceness ?? WORKER_NICENESS;
  }

  /**
   * Calls `fn` with `args` (copied to the worker with the structured clone algorithm: plain data,
   * no functions) in a worker and resolves with what it returns. Aborting `signal` rejects at once
   * and ends the worker, whatever it was computing. The buffers in `transfer` (e.g. those of typed
   * arrays in `args`) are moved to the worker rather than copied: they are empty here afterwards.
   */
  run<T>(fn: WorkerFunction, args: unknown[], signal?: AbortSignal, transfer: readonly TransferListItem[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (signal?.aborted) return Promise.reject(new Error(`${fn.name} aborted`));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ url: import.meta.resolve(fn.module), name: fn.name, args, transfer, signal, resolve: resolve as (value: unknown) => void, reject });
      this.next();
    });
  }

  /** Ends every worker; queued and running tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the worker pool is closed'));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }

  private next(): void {
    while (this.queue.length && (this.idle.length || this.busy < this.size)) {
      const task = this.queue.shift()!;
      if (task.signal?.aborted) {
        task.reject(new Error(`${task.name} aborted`));
        continue;
      }
      this.busy += 1;
      this.start(this.idle.pop() ?? this.spawn(), task);
    }
  }

  private spawn(): Worker {
    return new Worker(WORKER_SOURCE, { eval: true, workerData: { niceness: this.niceness } });
  }

  private start(worker: Worker, task: Task): void {
    let settled = false;
    const finish = (keep: boolean) => {
      settled = true;
      task.signal?.removeEventListener('abort', abort);
      worker.removeListener('message', onMessage);
      worker.removeListener('error', onError);
      worker.removeListener('exit', onExit);
      this.busy -= 1;
      if (keep && !this.closed) {
        // An idle worker does not keep the process alive; a busy one does (a CLI awaits its answer).
        worker.unref();
        this.idle.push(worker);
      } else void worker.terminate();
      this.next();
    };
    const onMessage = (reply: Reply) => {
      finish(true);
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new WorkerTaskError(reply.error, reply.errorName));
    };
    const onError = (error: Error) => {
      if (settled) return;
      finish(false);
      task.reject(error);
    };
    const onExit = (code: number) => onError(new Error(`the worker computing ${task.name} exited (code ${code})`));
    const abort = () => {
      if (settled) return;
      finish(false);
      task.reject(new Error(`${task.name} aborted`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.ref();
    task.signal?.addEventListener('abort', abort, { once: true });
    worker.postMessage({ url: task.url, name: task.name, args: task.args }, [...task.transfer]);
  }
}

/** The service's pool: jobs and routes share its worker, so their computations queue rather than compete for the cores. */
export const coreWorkers = new WorkerPool();
