// Scheduled reports: each configured period's last complete period gets its report once per tenant
// and format (a restart or a failed run catches up on the next check), and old reports are pruned.
import { lastCompletePeriod } from '@sextant/core/reports';
import type { ReportsConfig } from '../config/sections/reports.js';
import type { Logger } from '../log.js';
import type { ReportService } from '../reports/report-service.js';
import type { Job } from './job.js';

export interface ReportJobDeps {
  service: ReportService;
  schedule: ReportsConfig['schedule'];
  tenants: readonly string[];
  log: Logger;
  now: () => number;
  intervalMs: number;
}

export function createReportJob(deps: ReportJobDeps): Job {
  return {
    name: 'report',
    intervalMs: deps.intervalMs,
    async run(signal: AbortSignal): Promise<void> {
      const now = deps.now();
      for (const entry of deps.schedule) {
        const range = lastCompletePeriod(entry.period, now);
        for (const tenant of deps.tenants) {
          for (const format of entry.formats) {
            if (signal.aborted) return;
            if (await deps.service.store.exists(tenant, entry.period, format, range.start)) continue;
            const report = await deps.service.create(tenant, entry.period, format, range, 'schedule');
            deps.log.info('scheduled report', { tenant, period: entry.period, format, id: report.id, status: report.status });
          }
        }
      }
      const pruned = await deps.service.prune();
      if (pruned) deps.log.info('pruned old reports', { count: pruned });
    },
  };
}
