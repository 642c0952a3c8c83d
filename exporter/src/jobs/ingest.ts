// Ingest: moves each dataset from its source into the warehouse, window by window, from its watermark
// up to now minus a delay. A window is committed by replaceWindow (atomic, replacing what a previous
// attempt wrote), so the watermark only ever moves over stored data: after a crash, an outage or a
// bad answer the dataset stops where it is and the next run resumes there, with no gap and no
// duplicate. One dataset's failure never holds up the others. While the warehouse itself fails (a
// ClickHouse server down), runs back off: each failed run doubles the wait before the next attempt,
// up to MAX_BACKOFF_MS, and the first run that reaches the warehouse again resumes every dataset from
// its watermark. Replicas sharing a warehouse split the datasets among themselves (each dataset
// whole, with its one watermark): a dataset moves to another replica when its owner dies, and the
// new owner resumes from the watermark the old one left.
import type { TimeRange } from '@sextant/core';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { DatasetDefinition, MetricsSource } from '../sources/metrics-source.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';
import { type IngestMetrics, ingestMetrics } from './ingest-metrics.js';
import { planWindows } from './ingest-windows.js';
import type { ReplicaSharing } from '../replicas/membership.js';
import { unitKey, WHOLE, type Share } from '../replicas/share.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Longest wait between attempts while the warehouse fails. */
export const MAX_BACKOFF_MS = 5 * MINUTE;

export interface IngestJobDeps {
  warehouse: Warehouse;
  source: MetricsSource;
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  log: Logger;
  now: () => number;
  intervalMs: number;
  /** How far behind now ingest stays, so the source has finished scraping the window. */
  delayMs?: number;
  /** History pulled for a dataset without a watermark (its first run). */
  initialLookbackMs?: number;
  /** Longest window fetched and committed in one piece. */
  windowMs?: number;
  /** Set when several replicas share the warehouse: this one ingests only its share of the datasets. */
  replicas?: ReplicaSharing;
}

/** A dataset's key as a unit of the ingest role shared by replicas (a dataset moves whole). */
export function datasetKey(dataset: DatasetDefinition): number {
  return unitKey(`${dataset.tenant}\u0000${dataset.name}`);
}

/** How one window went. */
export interface WindowOutcome {
  dataset: DatasetDefinition;
  window: TimeRange;
  rows: number;
  /** Set when the window failed: what went wrong, for the ingest run and the logs. */
  error?: string;
  /** Set when the window failed: source, warehouse, ... */
  reason?: string;
}

interface IngestContext {
  warehouse: Warehouse;
  source: MetricsSource;
  log: Logger;
  now: () => number;
  metrics?: IngestMetrics;
}

export function createIngestJob(deps: IngestJobDeps): Job {
  const delayMs = deps.delayMs ?? MINUTE;
  const initialLookbackMs = deps.initialLookbackMs ?? 24 * HOUR;
  const windowMs = deps.windowMs ?? 6 * HOUR;
  const context: IngestContext = { ...deps, metrics: ingestMetrics(deps.registry, deps.now) };
  const backoff = { failures: 0, retryAt: -Infinity };
  return {
    name: 'ingest',
    intervalMs: deps.intervalMs,
    async run(signal: AbortSignal): Promise<void> {
      if (deps.now() < backoff.retryAt) return;
      let warehouseFailed = false;
      let share: Share | undefined;
      try {
        share = deps.replicas ? await deps.replicas.claim('ingest') : WHOLE;
      } catch (error) {
        deps.log.error('ingest: cannot read the replicas\' membership', { error });
        warehouseFailed = true;
      }
      for (const dataset of deps.datasets) {
        if (signal.aborted) return;
        if (!share?.owns(datasetKey(dataset))) continue;
        if (deps.replicas && !deps.replicas.holdsLease()) {
          deps.log.warn('ingest: this replica has not written its heartbeat for most of the lease; its datasets are left to the others');
          break;
        }
        let watermark: number | undefined;
        try {
          watermark = await deps.warehouse.watermark(dataset.tenant, dataset.name);
        } catch (error) {
          deps.log.error('ingest: cannot read the watermark', { dataset: dataset.name, tenant: dataset.tenant, error });
          context.metrics?.errors.inc({ dataset: dataset.name, reason: 'warehouse' });
          warehouseFailed = true;
          continue;
        }
        const now = deps.now();
        if (watermark !== undefined) context.metrics?.watermark(dataset.tenant, dataset.name, watermark);
        const windows = planWindows(watermark ?? now - initialLookbackMs, now - delayMs, dataset.stepMs, windowMs);
        const outcomes = await ingestWindows(context, dataset, windows, signal);
        if (outcomes.some((o) => o.reason === 'warehouse')) warehouseFailed = true;
      }
      if (!warehouseFailed) {
        backoff.failures = 0;
        backoff.retryAt = -Infinity;
        return;
      }
      backoff.failures += 1;
      const waitMs = Math.min(deps.intervalMs * 2 ** (backoff.failures - 1), Math.max(deps.intervalMs, MAX_BACKOFF_MS));
      backoff.retryAt = deps.now() + waitMs;
      deps.log.warn('ingest: the warehouse failed; every dataset resumes from its watermark at the next attempt', { attempt: backoff.failures, nextAttemptInMs: waitMs });
    },
  };
}

/**
 * Ingests `windows` of `dataset` in order, stopping at the first that fails (a later window committed
 * after a failed one would move the watermark over a hole). Returns the outcomes, the failed last.
 */
async function ingestWindows(
  context: IngestContext,
  dataset: DatasetDefinition,
  windows: readonly TimeRange[],
  signal: AbortSignal,
  onWindow?: (outcome: WindowOutcome) => void,
): Promise<WindowOutcome[]> {
  const outcomes: WindowOutcome[] = [];
  for (const window of windows) {
    if (signal.aborted) break;
    const outcome = await ingestWindow(context, dataset, window, signal);
    if (!outcome) break;
    outcomes.push(outcome);
    onWindow?.(outcome);
    if (outcome.error !== undefined) break;
  }
  return outcomes;
}

/** One window: fetch, replace, record. Undefined when aborted (nothing written, nothing to record). */
async function ingestWindow(
  context: IngestContext,
  dataset: DatasetDefinition,
  window: TimeRange,
  signal: AbortSignal,
): Promise<WindowOutcome | undefined> {
  const { warehouse, source, log, metrics } = context;
  const started = performance.now();
  let rows = 0;
  let failure: { reason: string; message: string } | undefined;
  try {
    const series = await source.queryRange(dataset, window, signal);
    try {
      rows = await warehouse.replaceWindow(dataset.tenant, dataset.name, window, series);
    } catch (error) {
      failure = { reason: 'warehouse', message: `warehouse: ${messageOf(error)}` };
    }
  } catch (error) {
    if (signal.aborted) return undefined;
    failure = { reason: reasonOf(error), message: messageOf(error) };
  }
  const durationMs = performance.now() - started;
  metrics?.duration.observe({ dataset: dataset.name }, durationMs / 1000);
  if (failure) {
    metrics?.errors.inc({ dataset: dataset.name, reason: failure.reason });
    log.warn('ingest: window failed, the dataset resumes from it on the next run', {
      dataset: dataset.name,
      tenant: dataset.tenant,
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
      reason: failure.reason,
      error: failure.message,
    });
  } else {
    metrics?.rows.inc({ dataset: dataset.name }, rows);
    metrics?.watermark(dataset.tenant, dataset.name, window.end);
  }
  try {
    await warehouse.recordIngestRun({
      tenant: dataset.tenant,
      dataset: dataset.name,
      window,
      rows,
      status: failure ? 'error' : 'ok',
      ...(failure ? { error: failure.message } : {}),
      durationMs,
      finishedAt: context.now(),
    });
  } catch (error) {
    log.error('ingest: cannot record the ingest run', { dataset: dataset.name, error });
  }
  return { dataset, window, rows, ...(failure ? { error: failure.message, reason: failure.reason } : {}) };
}

export interface BackfillOptions {
  warehouse: Warehouse;
  source: MetricsSource;
  datasets: readonly DatasetDefinition[];
  log: Logger;
  now: () => number;
  /** What to fill; the end is cut at now minus delay, where ingest would stop too. */
  range: TimeRange;
  delayMs?: number;
  windowMs?: number;
  signal?: AbortSignal;
  registry?: Registry;
  /** Called once with the plan, before any window. */
  onPlan?: (plan: BackfillPlan[]) => void;
  onWindow?: (outcome: WindowOutcome) => void;
}

export interface BackfillPlan {
  dataset: DatasetDefinition;
  windows: TimeRange[];
  /** True when the range was stretched back to the watermark, so that no gap is left behind it. */
  extendedToWatermark: boolean;
}

export interface BackfillResult {
  rows: number;
  windows: number;
  failed: Array<{ dataset: string; window: TimeRange; error: string }>;
}

/**
 * The windows a backfill of `range` fills, per dataset. Ingest resumes from a dataset's watermark,
 * and replaceWindow moves it to the end of the range, so a range starting after the watermark is
 * stretched back to it: otherwise the part in between would never be filled.
 */
export async function planBackfill(options: Pick<BackfillOptions, 'warehouse' | 'datasets' | 'now' | 'range' | 'delayMs' | 'windowMs'>): Promise<BackfillPlan[]> {
  const delayMs = options.delayMs ?? MINUTE;
  const windowMs = options.windowMs ?? 6 * HOUR;
  const end = Math.min(options.range.end, options.now() - delayMs);
  const plans: BackfillPlan[] = [];
  for (const dataset of options.datasets) {
    const watermark = await options.warehouse.watermark(dataset.tenant, dataset.name);
    const extendedToWatermark = watermark !== undefined && watermark < options.range.start && watermark < end;
    const start = extendedToWatermark ? (watermark as number) : options.range.start;
    plans.push({ dataset, windows: planWindows(start, end, dataset.stepMs, windowMs), extendedToWatermark });
  }
  return plans;
}

/** Fills `range` for each dataset (as `planBackfill` plans it), replacing what is already there. */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const signal = options.signal ?? new AbortController().signal;
  const context: IngestContext = {
    ...options,
    ...(options.registry ? { metrics: ingestMetrics(options.registry, options.now) } : {}),
  };
  const plans = await planBackfill(options);
  options.onPlan?.(plans);
  const result: BackfillResult = { rows: 0, windows: 0, failed: [] };
  for (const plan of plans) {
    const outcomes = await ingestWindows(context, plan.dataset, plan.windows, signal, options.onWindow);
    for (const outcome of outcomes) {
      result.windows += 1;
      result.rows += outcome.rows;
      if (outcome.error !== undefined) result.failed.push({ dataset: plan.dataset.name, window: outcome.window, error: outcome.error });
    }
  }
  return result;
}

function reasonOf(error: unknown): string {
  const reason = (error as { reason?: unknown }).reason;
  return typeof reason === 'string' && /^[a-z0-9_]+$/.test(reason) ? reason : 'source';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
