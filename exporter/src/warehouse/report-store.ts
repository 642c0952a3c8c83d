// The index of generated reports (the files themselves live in reports.directory): what the report
// service needs. duckdb-report-store.ts implements it.

export interface StoredReport {
  id: string;
  tenant: string;
  period: string;
  format: string;
  rangeStart: number;
  rangeEnd: number;
  createdAt: number;
  trigger: 'api' | 'schedule';
  status: 'ok' | 'error';
  error: string | undefined;
  path: string | undefined;
  bytes: number | undefined;
}

export interface ReportStore {
  add(report: StoredReport): Promise<void>;
  /** Newest first. */
  list(tenant: string, limit: number): Promise<StoredReport[]>;
  get(tenant: string, id: string): Promise<StoredReport | undefined>;
  /** Whether a successful scheduled report of this period, format and start exists (what the schedule checks). */
  exists(tenant: string, period: string, format: string, rangeStart: number): Promise<boolean>;
  /** Removes from the index the reports created before `cutoff` and returns them (their files are the caller's). */
  removeOlderThan(cutoff: number): Promise<StoredReport[]>;
}

/** A row of reports (either engine) as a stored report. */
export function fromRow(r: Record<string, unknown>): StoredReport {
  return {
    id: String(r.id),
    tenant: String(r.tenant),
    period: String(r.period),
    format: String(r.format),
    rangeStart: Number(r.range_start_ms),
    rangeEnd: Number(r.range_end_ms),
    createdAt: Number(r.created_at_ms),
    trigger: r.trigger === 'schedule' ? 'schedule' : 'api',
    status: r.status === 'ok' ? 'ok' : 'error',
    error: r.error === null ? undefined : String(r.error),
    path: r.path === null ? undefined : String(r.path),
    bytes: r.bytes === null ? undefined : Number(r.bytes),
  };
}
