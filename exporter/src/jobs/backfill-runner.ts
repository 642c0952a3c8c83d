// Backfills started through the service's API (POST /api/v1/backfill): the same windows, replace
// semantics and watermark rules as `sextant backfill` (both call ingest's `backfill`), run inside the
// service because the service owns the warehouse file. One at a time per tenant; each window takes a
// write turn shared with the scheduled ingest job (see write-turns.ts), so the two never write the
// same dataset window at once. Jobs live in memory (the last few per tenant); the windows they wrote
// are in the ingest-runs table like any other ingest.
import { randomUUID } from 'node:crypto';
import type { TimeRange } from '@sextant/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { formatDuration } from '../config/duration.js';
import type { Logger } from '../log.js';
import type { DatasetDefinition, MetricsSource } from '../sources/metrics-source.js';
import { inBackground } from '../warehouse/reader-pool.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { backfill, planBackfill, type WindowOutcome } from './ingest.js';
import type { RetrainRequests } from './retrain.js';
import type { WriteTurns } from './write-turns.js';

export type BackfillState = 'running' | 'done' | 'failed' | 'cancelled';

export interface BackfillJob {
  id: string;
  tenant: string;
  range: TimeRange;
  datasets: string[];
  state: BackfillState;
  windowsDone: number;
  /** Windows planned; a dataset stopped by a failed window takes its remaining windows out. */
  windowsTotal: number;
  rows: number;
  startedAt: number;
  finishedAt?: number;
  /** Set when a cancel was asked: the job stops after the window in progress. */
  cancelRequested: boolean;
  /** Why the job failed or was cancelled. */
  error?: string;
  /** Windows that failed (each stopped its dataset there; a new backfill resumes from it). */
  failures: Array<{ dataset: string; window: TimeRange; error: string }>;
  /** Things the caller should know, such as a range stretched back to a dataset's watermark. */
  notes: string[];
}

/** A request the runner refuses: `status` is the HTTP answer (400 bad request, 409 one already runs). */
export class BackfillRefused extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface BackfillRunnerDeps {
  warehouse: Warehouse;
  source: MetricsSource;
  /** Every tenant's datasets; a job backfills only its tenant's. */
  datasets: readonly DatasetDefinition[];
  turns: WriteTurns;
  registry: Registry;
  log: Logger;
  now: () => number;
  delayMs: number;
  windowMs: number;
  /** warehouse.retention.points: older points go at the next retention run (a note says so). */
  pointsRetentionMs: number;
  /** ingest.maxBackfill: the longest range one backfill may cover. */
  maxRangeMs: number;
  /** Where the covered datasets go to be re-trained on their new history by the score job. */
  retrain?: RetrainRequests;
}

const KEPT_PER_TENANT = 20;

export class BackfillRunner {
  private readonly jobs = new Map<string, BackfillJob[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly metrics;

  constructor(private readonly deps: BackfillRunnerDeps) {
    const registers = [deps.registry];
    this.metrics = {
      windows: new Gauge({ name: 'sextant_backfill_windows', help: "Windows planned by the tenant's latest API backfill.", labelNames: ['tenant'], registers }),
      windowsDone: new Gauge({ name: 'sextant_backfill_windows_done', help: "Windows written so far by the tenant's latest API backfill.", labelNames: ['tenant'], registers }),
      running: new Gauge({ name: 'sextant_backfill_running', help: '1 while an API backfill of the tenant runs, else 0.', labelNames: ['tenant'], registers }),
      rows: new Counter({ name: 'sextant_backfill_rows_total', help: 'Points written by API backfills.', labelNames: ['tenant'], registers }),
      jobs: new Counter({ name: 'sextant_backfill_jobs_total', help: 'API backfills ended, by final state (done, failed, cancelled).', labelNames: ['tenant', 'state'], registers }),
    };
  }

  /** Starts a backfill of `tenant`'s datasets (all, or those named) over `range`; answers at once. */
  start(tenant: string, range: TimeRange, names: readonly string[] = []): BackfillJob {
    const own = this.deps.datasets.filter((d) => d.tenant === tenant);
    if (!own.length) throw new BackfillRefused(400, `tenant ${tenant} has no datasets to backfill`);
    const unknown = names.filter((n) => !own.some((d) => d.name === n));
    if (unknown.length) {
      throw new BackfillRefused(400, `datasets: unknown dataset ${unknown.map((n) => JSON.stringify(n)).join(', ')} for tenant ${tenant}; its datasets are: ${own.map((d) => d.name).join(', ')}`);
    }
    const now = this.deps.now();
    const lastEnd = now - this.deps.delayMs;
    if (range.start >= lastEnd) {
      throw new BackfillRefused(400, `from: ${iso(range.start)} is after now minus ingest.delay (${iso(lastEnd)}), where ingest stops: there is nothing to backfill`);
    }
    if (Math.min(range.end, lastEnd) - range.start > this.deps.maxRangeMs) {
      throw new BackfillRefused(
        400,
        `from: ${iso(range.start)} to ${iso(Math.min(range.end, lastEnd))} is longer than ingest.maxBackfill (${formatDuration(this.deps.maxRangeMs)}); backfill it in parts, or raise ingest.maxBackfill`,
      );
    }
    const active = this.listOf(tenant).find((j) => j.state === 'running');
    if (active) throw new BackfillRefused(409, `backfill ${active.id} of tenant ${tenant} is still running (one at a time per tenant); wait for it or cancel it with DELETE /api/v1/backfill/${active.id}`);
    const datasets = names.length ? own.filter((d) => names.includes(d.name)) : own;
    const job: BackfillJob = {
      id: randomUUID(),
      tenant,
      range,
      datasets: datasets.map((d) => d.name),
      state: 'running',
      windowsDone: 0,
      windowsTotal: 0,
      rows: 0,
      startedAt: now,
      cancelRequested: false,
      failures: [],
      notes: range.start < now - this.deps.pointsRetentionMs ? ['points older than warehouse.retention.points are deleted by the next retention run; rollups keep them longer'] : [],
    };
    const list = this.listOf(tenant);
    list.unshift(job);
    list.splice(KEPT_PER_TENANT);
    this.jobs.set(tenant, list);
    this.metrics.windows.set({ tenant }, 0);
    this.metrics.windowsDone.set({ tenant }, 0);
    this.metrics.running.set({ tenant }, 1);
    // Background work: its reads give way to requests' (see reader-pool.ts).
    const run = inBackground(() => this.execute(job, datasets)).finally(() => this.running.delete(run));
    this.running.add(run);
    return job;
  }

  /** The tenant's jobs, newest first. */
  list(tenant: string): BackfillJob[] {
    return [...this.listOf(tenant)];
  }

  get(tenant: string, id: string): BackfillJob {
    const job = this.listOf(tenant).find((j) => j.id === id);
    if (!job) throw new BackfillRefused(404, `no backfill ${id} for tenant ${tenant}`);
    return job;
  }

  /** Asks the job to stop after the window in progress (which is committed whole or not at all). */
  cancel(tenant: string, id: string): BackfillJob {
    const job = this.get(tenant, id);
    if (job.state !== 'running') throw new BackfillRefused(409, `backfill ${id} has already ended (${job.state})`);
    job.cancelRequested = true;
    return job;
  }

  /** For shutdown: aborts every running job (a window being fetched is dropped) and waits for them. */
  async stop(): Promise<void> {
    this.shutdown.abort(new Error('the service is shutting down'));
    await Promise.all(this.running);
  }

  private listOf(tenant: string): BackfillJob[] {
    return this.jobs.get(tenant) ?? [];
  }

  private async execute(job: BackfillJob, datasets: readonly DatasetDefinition[]): Promise<void> {
    const { warehouse, source, log, now, delayMs, windowMs, turns } = this.deps;
    const signal = this.shutdown.signal;
    const common = { warehouse, source, log, now, delayMs, windowMs, signal };
    const tenant = job.tenant;
    try {
      const plans = await planBackfill({ ...common, datasets, range: job.range });
      job.windowsTotal = plans.reduce((n, p) => n + p.windows.length, 0);
      this.metrics.windows.set({ tenant }, job.windowsTotal);
      for (const p of plans) {
        if (p.extendedToWatermark && p.windows[0]) job.notes.push(`${p.dataset.name}: starting at its watermark ${iso(p.windows[0].start)} so that no gap is left before from`);
      }
      // Each window is one call of backfill over exactly that window, in its own write turn: the
      // planned windows are cut the same way again, and the watermark only moves forward.
      for (const plan of plans) {
        for (const [i, window] of plan.windows.entries()) {
          if (job.cancelRequested || signal.aborted) break;
          let outcome: WindowOutcome | undefined;
          await turns.take(() => backfill({ ...common, datasets: [plan.dataset], range: window, onWindow: (o) => (outcome = o) }));
          if (!outcome) break; // aborted by shutdown: nothing was written
          job.windowsDone += 1;
          job.rows += outcome.rows;
          this.metrics.windowsDone.set({ tenant }, job.windowsDone);
          this.metrics.rows.inc({ tenant }, outcome.rows);
          if (outcome.error !== undefined) {
            job.failures.push({ dataset: plan.dataset.name, window, error: outcome.error });
            job.windowsTotal -= plan.windows.length - i - 1;
            this.metrics.windows.set({ tenant }, job.windowsTotal);
            break;
          }
        }
      }
      // Rolled up now, so queries see the history at once (on shutdown, the next start does it),
      // and the covered series' detectors learn from it (the score job re-trains them).
      if (job.windowsDone > 0 && !signal.aborted) {
        await warehouse.rollup();
        this.deps.retrain?.request(tenant, job.datasets);
      }
      if (signal.aborted) this.end(job, 'cancelled', 'the service shut down during the backfill; start it again to finish');
      else if (job.cancelRequested) this.end(job, 'cancelled', 'cancelled through the API');
      else if (job.failures.length) this.end(job, 'failed', job.failures.map((f) => `${f.dataset} ${iso(f.window.start)}..${iso(f.window.end)}: ${f.error}`).join('; '));
      else this.end(job, 'done');
    } catch (error) {
      log.error('backfill failed', { id: job.id, tenant, error });
      this.end(job, 'failed', error instanceof Error ? error.message : String(error));
    }
  }

  private end(job: BackfillJob, state: Exclude<BackfillState, 'running'>, error?: string): void {
    job.state = state;
    job.finishedAt = this.deps.now();
    if (error !== undefined) job.error = error;
    this.metrics.running.set({ tenant: job.tenant }, 0);
    this.metrics.jobs.inc({ tenant: job.tenant, state });
    this.deps.log.info('backfill ended', { id: job.id, tenant: job.tenant, state, windows: job.windowsDone, rows: job.rows, ...(error ? { error } : {}) });
  }
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
