import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { STORAGE_LEVELS } from '../warehouse/levels.js';
import { registerWarehouseMetrics } from '../warehouse/warehouse-metrics.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';

export interface RetentionJobDeps {
  warehouse: Warehouse;
  registry: Registry;
  log: Logger;
  /** The clock, in Unix ms. */
  now: () => number;
  intervalMs: number;
}

/** Deletes what is older than each level's retention (see Warehouse.enforceRetention). */
export function createRetentionJob(deps: RetentionJobDeps): Job {
  const deleted = new Counter({
    name: 'sextant_retention_deleted_rows_total',
    help: 'Rows deleted by retention, by level (points, 5m, 1h, 1d).',
    labelNames: ['level'],
    registers: [deps.registry],
  });
  for (const level of STORAGE_LEVELS) deleted.inc({ level }, 0);
  registerWarehouseMetrics(deps.registry, deps.warehouse);
  const log = deps.log.child({ job: 'retention' });
  return {
    name: 'retention',
    intervalMs: deps.intervalMs,
    async run(signal) {
      if (signal.aborted) return;
      const result = await deps.warehouse.enforceRetention(deps.now());
      for (const level of STORAGE_LEVELS) deleted.inc({ level }, result[level]);
      log.info('retention done', { deleted: result });
    },
  };
}
