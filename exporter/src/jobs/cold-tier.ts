import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { ColdStats, ColdTier } from '../warehouse/cold-tier.js';
import { STORAGE_LEVELS } from '../warehouse/levels.js';
import type { Job } from './job.js';

export interface ColdTierJobDeps {
  cold: ColdTier;
  registry: Registry;
  log: Logger;
  /** The clock, in Unix ms. */
  now: () => number;
  intervalMs: number;
  /** Least time between two progress lines of one run (default 10 s). */
  progressEveryMs?: number;
}

/**
 * Moves old days to the cold tier (see ColdTier.moveCold), one day per transaction; an aborted
 * signal stops the run between two days. Progress: `sextant_cold_move_pending_files` counts down
 * during a run, and a log line says how far it got at most every `progressEveryMs`.
 */
export function createColdTierJob(deps: ColdTierJobDeps): Job {
  const registers = [deps.registry];
  const duration = new Histogram({
    name: 'sextant_cold_move_duration_seconds',
    help: 'Duration of cold tier runs (every due day of every level moved to Parquet).',
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers,
  });
  const movedFiles = new Counter({ name: 'sextant_cold_moved_files_total', help: 'Files (days) moved to the cold tier, by level.', labelNames: ['level'], registers });
  const movedRows = new Counter({ name: 'sextant_cold_moved_rows_total', help: 'Rows moved to the cold tier, by level.', labelNames: ['level'], registers });
  const pending = new Gauge({ name: 'sextant_cold_move_pending_files', help: 'Files (days of any level) the running cold tier run has still to write; 0 between runs.', registers });
  for (const level of STORAGE_LEVELS) {
    movedFiles.inc({ level }, 0);
    movedRows.inc({ level }, 0);
  }
  // A scrape while the warehouse closes (shutdown) leaves the gauges as they were rather than failing /metrics.
  const stats = (): Promise<ColdStats | undefined> => deps.cold.coldStats().catch(() => undefined);
  new Gauge({
    name: 'sextant_cold_files',
    help: 'Parquet files in the cold tier, by level (one per day).',
    labelNames: ['level'],
    registers,
    async collect() {
      const now = await stats();
      if (now) for (const level of STORAGE_LEVELS) this.set({ level }, now[level].files);
    },
  });
  new Gauge({
    name: 'sextant_cold_size_bytes',
    help: "Bytes of the cold tier's Parquet files, by level.",
    labelNames: ['level'],
    registers,
    async collect() {
      const now = await stats();
      if (now) for (const level of STORAGE_LEVELS) this.set({ level }, now[level].bytes);
    },
  });
  const log = deps.log.child({ job: 'cold-tier' });
  const every = deps.progressEveryMs ?? 10_000;
  return {
    name: 'cold-tier',
    intervalMs: deps.intervalMs,
    async run(signal) {
      if (signal.aborted) return;
      const stop = duration.startTimer();
      let lastLog = Date.now();
      try {
        const result = await deps.cold.moveCold(deps.now(), {
          signal,
          onProgress: (progress) => {
            pending.set(progress.total - progress.done);
            if (progress.moved) {
              movedFiles.inc({ level: progress.moved.level });
              movedRows.inc({ level: progress.moved.level }, progress.moved.rows);
            }
            if (Date.now() - lastLog >= every && progress.done < progress.total) {
              lastLog = Date.now();
              log.info('cold tier moving', { done: progress.done, total: progress.total, day: progress.moved ? new Date(progress.moved.day).toISOString().slice(0, 10) : undefined });
            }
          },
        });
        log.info('cold tier done', { days: result.days, rows: result.rows, bytes: result.bytes, left: result.left, seconds: stop() });
      } finally {
        pending.set(0);
      }
    },
  };
}
