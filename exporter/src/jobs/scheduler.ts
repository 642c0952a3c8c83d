import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { inBackground } from '../warehouse/reader-pool.js';
import type { Job } from './job.js';

export interface SchedulerDeps {
  jobs: readonly Job[];
  registry: Registry;
  log: Logger;
  /** Unix ms; a parameter so tests and the service agree on one clock. */
  now?: () => number;
}

export interface Scheduler {
  /** Starts every job: a first run at once, then `intervalMs` after the end of each run. */
  start(): void;
  /** Stops scheduling, aborts the jobs' signal and resolves when every in-flight run has ended. */
  stop(): Promise<void>;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { registry, log } = deps;
  const now = deps.now ?? Date.now;
  const runs = new Counter({
    name: 'sextant_job_runs_total',
    help: 'Runs of scheduled jobs by outcome (ok, error, aborted).',
    labelNames: ['job', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sextant_job_duration_seconds',
    help: 'Duration of scheduled job runs.',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'sextant_job_last_success_timestamp_seconds',
    help: 'When each job last finished a run without error.',
    labelNames: ['job'],
    registers: [registry],
  });
  const controller = new AbortController();
  const loops: Array<Promise<void>> = [];

  async function runOnce(job: Job): Promise<void> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      // Its warehouse reads give way to requests' (see reader-pool.ts).
      await inBackground(() => job.run(controller.signal));
      lastSuccess.set({ job: job.name }, now() / 1000);
    } catch (error) {
      outcome = controller.signal.aborted ? 'aborted' : 'error';
      if (outcome === 'error') log.error('job run failed', { job: job.name, error });
    } finally {
      const seconds = (performance.now() - started) / 1000;
      runs.inc({ job: job.name, outcome });
      duration.observe({ job: job.name }, seconds);
      log.debug('job run', { job: job.name, outcome, durationMs: Math.round(seconds * 1000) });
    }
  }

  // One loop per job: a job waits for its own previous run to end, so it never overlaps itself.
  async function loop(job: Job): Promise<void> {
    while (!controller.signal.aborted) {
      await runOnce(job);
      try {
        await sleep(job.intervalMs, undefined, { signal: controller.signal });
      } catch {
        return; // aborted while waiting
      }
    }
  }

  return {
    start() {
      if (loops.length) throw new Error('scheduler already started');
      for (const job of deps.jobs) {
        for (const outcome of ['ok', 'error', 'aborted']) runs.inc({ job: job.name, outcome }, 0);
        loops.push(loop(job));
      }
      log.info('scheduler started', { jobs: deps.jobs.map((j) => `${j.name} every ${j.intervalMs} ms`) });
    },
    async stop() {
      controller.abort();
      await Promise.all(loops);
      log.info('scheduler stopped');
    },
  };
}
