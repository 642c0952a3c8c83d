// Starting and stopping the service in the right order. The port opens first, answering /-/healthy
// and a 503 /-/ready while the warehouse opens and migrates (which can take a while on a big file),
// then the full app takes over. Shutdown: /-/ready turns 503 first (so a load balancer stops
// sending), scheduling stops and in-flight job runs finish their writes, then the HTTP server stops
// taking requests and drains, and the warehouse closes last, when nothing can use it any more.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Shared with the app's /-/ready: set when shutdown begins. */
export interface ServiceState {
  shuttingDown: boolean;
}

/**
 * How long an idle kept-alive connection stays open. A client that reuses a connection the server
 * has just closed gets a reset: so the server waits longer than its clients keep idle connections
 * (Go's http.Transport, which Prometheus uses, 90 s; Grafana's data proxy, 90 s), not Node's 5 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

/** An open port whose request handler can be replaced (the starting app, then the full one). */
export interface Listener {
  readonly server: Server;
  readonly address: AddressInfo;
  use(handler: Handler): void;
}

export async function listen(host: string, port: number, handler: Handler): Promise<Listener> {
  let current = handler;
  const server = createServer((req, res) => current(req, res));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Above keepAliveTimeout, as Node asks, so an idle connection is never cut by the headers timer.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'EADDRINUSE' ? `cannot listen on ${host}:${port}: the port is in use (server.port)` : `cannot listen on ${host}:${port}: ${error.message}`));
    });
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    address: server.address() as AddressInfo,
    use(next) {
      current = next;
    },
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export interface LifecycleParts {
  listener: Listener;
  /** The full app, taking over from the starting one. */
  app: Handler;
  scheduler: Scheduler;
  closeWarehouse: () => Promise<void>;
  /** Ends the responses that never end by themselves (event streams), so the server can close. */
  endStreams?: () => void;
  state: ServiceState;
  log: Logger;
  shutdownTimeoutMs: number;
}

export interface RunningService {
  address: AddressInfo;
  /** Runs the shutdown once (later calls get the same promise); true when every step finished in time. */
  shutdown(reason: string): Promise<boolean>;
}

async function withDeadline<T>(work: Promise<T>, deadline: number, onLate: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      onLate();
      resolve(false);
    }, Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Hands the port to the full app, starts the scheduler, and returns the handle that shuts all of it down. */
export function startService(parts: LifecycleParts): RunningService {
  const { log, listener } = parts;
  listener.use(parts.app);
  parts.scheduler.start();
  log.info('sextant is serving', { listen: `${listener.address.address}:${listener.address.port}` });

  let shutdown: Promise<boolean> | undefined;
  const steps = async (reason: string): Promise<boolean> => {
    log.info('shutting down', { reason });
    parts.state.shuttingDown = true;
    parts.endStreams?.();
    const deadline = Date.now() + parts.shutdownTimeoutMs;
    const jobsDone = await withDeadline(parts.scheduler.stop(), deadline, () => log.error('shutdown: job runs still in flight at the deadline', { timeoutMs: parts.shutdownTimeoutMs }));
    const httpDone = await withDeadline(closeServer(listener.server), deadline, () => {
      log.warn('shutdown: closing requests still open at the deadline');
      listener.server.closeAllConnections();
    });
    // Closing the warehouse under a still-running job would lose its write; better to exit uncleanly.
    if (!jobsDone) return false;
    try {
      await parts.closeWarehouse();
    } catch (error) {
      log.error('shutdown: closing the warehouse failed', { error });
      return false;
    }
    log.info('shutdown complete');
    return httpDone;
  };
  return {
    address: listener.address,
    shutdown(reason) {
      shutdown ??= steps(reason);
      return shutdown;
    },
  };
}
