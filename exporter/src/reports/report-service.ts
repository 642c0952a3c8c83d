// Generated reports kept on disk and indexed in the warehouse: what the API and the schedule share.
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { ReportPeriod } from '@sextant/core/reports';
import type { TimeRange } from '@sextant/core/model';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ReportStore, StoredReport } from '../warehouse/report-store.js';
import type { WarehouseStores } from '../warehouse/stores.js';
import { isFolderFormat, type ReportFormat } from './formats.js';
import { generateReport } from './generate.js';
import { reportMetricsOn, type ReportMetrics } from './report-metrics.js';
import { chromiumFromConfig, reportSettingsFromConfig, reportsDirectory } from './settings.js';

export interface ReportServiceDeps {
  /**
   * The index of generated reports (reports), what a report reads (reportInputs), where the
   * schedule's own reports are recorded (audit), and the alert history, loaded before a report reads it (alerts).
   */
  stores: Pick<WarehouseStores, 'reports' | 'reportInputs' | 'audit' | 'alerts'>;
  config: Config;
  registry: Registry;
  log: Logger;
  now: () => number;
}

const safe = (text: string): string => text.replace(/[^A-Za-z0-9_.-]/g, '_');

export class ReportService {
  readonly store: ReportStore;
  private readonly audit: WarehouseStores['audit'];
  private readonly metrics: ReportMetrics;
  private readonly directory: string;

  constructor(private readonly deps: ReportServiceDeps) {
    this.store = deps.stores.reports;
    this.audit = deps.stores.audit;
    this.metrics = reportMetricsOn(deps.registry);
    this.directory = reportsDirectory(deps.config);
  }

  /** Generates and records one report; a failure is recorded too (status error) and returned, not thrown. */
  async create(tenant: string, period: ReportPeriod, format: ReportFormat, range: TimeRange, trigger: 'api' | 'schedule'): Promise<StoredReport> {
    const id = `${period}-${new Date(range.start).toISOString().slice(0, 10)}-${format}-${randomUUID().slice(0, 8)}`;
    const dir = join(this.directory, safe(tenant));
    await mkdir(dir, { recursive: true });
    const path = join(dir, isFolderFormat(format) ? id : `${id}.${format}`);
    const createdAt = this.deps.now();
    const base = { id, tenant, period, format, rangeStart: range.start, rangeEnd: range.end, createdAt, trigger };
    let stored: StoredReport;
    try {
      const { config } = this.deps;
      const inputs = this.deps.stores.reportInputs;
      await this.deps.stores.alerts.loaded();
      const written = await generateReport(
        { inputs, tenant, period, range, settings: reportSettingsFromConfig(config), now: createdAt, chromiumPath: chromiumFromConfig(config), metrics: this.metrics },
        format,
        path,
      );
      stored = { ...base, status: 'ok', error: undefined, path, bytes: written.bytes };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn('report failed', { tenant, period, format, error: message });
      await rm(path, { recursive: true, force: true });
      stored = { ...base, status: 'error', error: message, path: undefined, bytes: undefined };
    }
    await this.store.add(stored);
    // A report the API asked for is in the audit log through its request; the schedule's own are here.
    if (trigger === 'schedule') {
      await this.audit.record({
        tenant,
        at: createdAt,
        tokenName: 'schedule',
        role: 'schedule',
        action: 'report.generate',
        target: id,
        request: `schedule ${period} ${format}`,
        status: stored.status === 'ok' ? 201 : 500,
        result: stored.status === 'ok' ? 'ok' : 'failed',
        ...(stored.error !== undefined ? { error: stored.error } : {}),
      });
    }
    return stored;
  }

  /** Deletes reports (rows and files) created more than reports.retention ago. */
  async prune(): Promise<number> {
    const old = await this.store.removeOlderThan(this.deps.now() - this.deps.config.reports.retention);
    for (const r of old) if (r.path) await rm(r.path, { recursive: true, force: true });
    return old.length;
  }
}
