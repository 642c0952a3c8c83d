// Starting and stopping the service in the right order. Shutdown: /-/ready turns 503 first (so a
// load balancer stops sending), scheduling stops and in-flight job runs finish their writes, then
// the HTTP server stops taking requests and drains, and the warehouse closes last, when nothing can
// use it any more.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Scheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';

/** Shared with the app's /-/ready: set when shutdown begins. */
export interface ServiceState {
  shuttingDown: boolean;
}

export interface LifecycleParts {
  app: Express;
  host: string;
  port: number;
  scheduler: Scheduler;
  closeWarehouse: () => Promise<void>;
  state: ServiceState;
  log: Logger;
  shutdownTimeoutMs: number;
}

export interface RunningService {
  address: AddressInfo;
  /** Runs the shutdown once (later calls get the same promise); true when every step finished in time. */
  shutdown(reason: string): Promise<boolean>;
}

function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'EADDRINUSE' ? `cannot listen on ${host}:${port}: the port is in use (server.port)` : `cannot listen on ${host}:${port}: ${error.message}`));
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
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

/** Listens, starts the scheduler, and returns the handle that shuts all of it down. */
export async function startService(parts: LifecycleParts): Promise<RunningService> {
  const { log } = parts;
  const server = await listen(parts.app, parts.host, parts.port);
  const address = server.address() as AddressInfo;
  parts.scheduler.start();
  log.info('sextant is serving', { listen: `${address.address}:${address.port}` });

  let shutdown: Promise<boolean> | undefined;
  const steps = async (reason: string): Promise<boolean> => {
    log.info('shutting down', { reason });
    parts.state.shuttingDown = true;
    const deadline = Date.now() + parts.shutdownTimeoutMs;
    const jobsDone = await withDeadline(parts.scheduler.stop(), deadline, () => log.error('shutdown: job runs still in flight at the deadline', { timeoutMs: parts.shutdownTimeoutMs }));
    const httpDone = await withDeadline(closeServer(server), deadline, () => {
      log.warn('shutdown: closing requests still open at the deadline');
      server.closeAllConnections();
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
    address,
    shutdown(reason) {
      shutdown ??= steps(reason);
      return shutdown;
    },
  };
}
