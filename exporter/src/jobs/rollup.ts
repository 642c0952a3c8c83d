import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { ROLLUP_LEVELS } from '../warehouse/levels.js';
import { registerWarehouseMetrics } from '../warehouse/warehouse-metrics.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';

export interface RollupJobDeps {
  warehouse: Warehouse;
  registry: Registry;
  log: Logger;
  intervalMs: number;
}

/**
 * Brings the 5m/1h/1d rollups up to date with the points written since its last run. One run is
 * one transaction: aborting never leaves a level half-computed, so an aborted signal only stops
 * a run that has not started yet.
 */
export function createRollupJob(deps: RollupJobDeps): Job {
  const duration = new Histogram({
    name: 'sextant_rollup_duration_seconds',
    help: 'Duration of rollup runs (all levels, one transaction).',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [deps.registry],
  });
  const rows = new Counter({
    name: 'sextant_rollup_rows_total',
    help: 'Rollup rows (re)computed, by level.',
    labelNames: ['level'],
    registers: [deps.registry],
  });
  for (const level of ROLLUP_LEVELS) rows.inc({ level }, 0);
  registerWarehouseMetrics(deps.registry, deps.warehouse);
  const log = deps.log.child({ job: 'rollup' });
  return {
    name: 'rollup',
    intervalMs: deps.intervalMs,
    async run(signal) {
      if (signal.aborted) return;
      const stop = duration.startTimer();
      const result = await deps.warehouse.rollup();
      const seconds = stop();
      for (const level of ROLLUP_LEVELS) rows.inc({ level }, result.rows[level]);
      log.info('rollup done', { rows: result.rows, seconds });
    },
  };
}
