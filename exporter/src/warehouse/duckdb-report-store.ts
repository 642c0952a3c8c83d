// The report index on DuckDB.
import type { DuckDbHandle } from './duckdb-handle.js';
import { fromRow, type ReportStore, type StoredReport } from './report-store.js';


export class DuckDbReportStore implements ReportStore {
  constructor(private readonly handle: DuckDbHandle) {}

  async add(report: StoredReport): Promise<void> {
    await this.handle.write((tx) =>
      tx.run(`INSERT OR REPLACE INTO reports VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
        report.tenant,
        report.id,
        report.period,
        report.format,
        report.rangeStart,
        report.rangeEnd,
        report.createdAt,
        report.trigger,
        report.status,
        report.error ?? null,
        report.path ?? null,
        report.bytes ?? null,
      ]),
    );
  }

  async list(tenant: string, limit: number): Promise<StoredReport[]> {
    return (await this.handle.read(`SELECT * FROM reports WHERE tenant = $1 ORDER BY created_at_ms DESC, id LIMIT $2`, [tenant, limit])).map(fromRow);
  }

  async get(tenant: string, id: string): Promise<StoredReport | undefined> {
    const rows = await this.handle.read(`SELECT * FROM reports WHERE tenant = $1 AND id = $2`, [tenant, id]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Whether a successful report of this period, format and range exists (what the schedule checks). */
  async exists(tenant: string, period: string, format: string, rangeStart: number): Promise<boolean> {
    const rows = await this.handle.read(`SELECT 1 FROM reports WHERE tenant = $1 AND period = $2 AND format = $3 AND range_start_ms = $4 AND status = 'ok' AND trigger = 'schedule' LIMIT 1`, [tenant, period, format, rangeStart]);
    return rows.length > 0;
  }

  /** Removes rows created before `cutoff` and returns them, so the caller deletes their files. */
  async removeOlderThan(cutoff: number): Promise<StoredReport[]> {
    const old = (await this.handle.read(`SELECT * FROM reports WHERE created_at_ms < $1`, [cutoff])).map(fromRow);
    if (old.length) await this.handle.write((tx) => tx.run(`DELETE FROM reports WHERE created_at_ms < $1`, [cutoff]));
    return old;
  }
}
