// The report index on ClickHouse: a versioned row per report (read with FINAL); removal is a
// mutation, waited for.
import { fromRow, type ReportStore, type StoredReport } from '../report-store.js';
import type { IncreasingIds } from '../increasing-ids.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlNumber, sqlString } from './sql-literal.js';

export class ClickHouseReportStore implements ReportStore {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly versions: IncreasingIds,
  ) {}

  async add(r: StoredReport): Promise<void> {
    await this.db.insert('reports', [
      {
        tenant: r.tenant, id: r.id, period: r.period, format: r.format, range_start_ms: r.rangeStart, range_end_ms: r.rangeEnd,
        created_at_ms: r.createdAt, trigger: r.trigger, status: r.status, error: r.error ?? null, path: r.path ?? null, bytes: r.bytes ?? null,
        version: this.versions.next(),
      },
    ]);
  }

  async list(tenant: string, limit: number): Promise<StoredReport[]> {
    const rows = await this.db.read(
      `SELECT * FROM ${this.db.table('reports')} FINAL WHERE tenant = ${sqlString(tenant)} ORDER BY created_at_ms DESC, id LIMIT ${sqlNumber(Math.max(0, Math.floor(limit)))}`,
    );
    return rows.map(fromRow);
  }

  async get(tenant: string, id: string): Promise<StoredReport | undefined> {
    const [row] = await this.db.read(`SELECT * FROM ${this.db.table('reports')} FINAL WHERE tenant = ${sqlString(tenant)} AND id = ${sqlString(id)}`);
    return row ? fromRow(row) : undefined;
  }

  async exists(tenant: string, period: string, format: string, rangeStart: number): Promise<boolean> {
    const rows = await this.db.read(
      `SELECT 1 AS found FROM ${this.db.table('reports')} FINAL WHERE tenant = ${sqlString(tenant)} AND period = ${sqlString(period)}
         AND format = ${sqlString(format)} AND range_start_ms = ${sqlNumber(rangeStart)} AND status = 'ok' AND trigger = 'schedule' LIMIT 1`,
    );
    return rows.length > 0;
  }

  async removeOlderThan(cutoff: number): Promise<StoredReport[]> {
    const where = `created_at_ms < ${sqlNumber(cutoff)}`;
    const old = (await this.db.read(`SELECT * FROM ${this.db.table('reports')} FINAL WHERE ${where}`)).map(fromRow);
    if (old.length) await this.db.deleteWhere('reports', where);
    return old;
  }
}
