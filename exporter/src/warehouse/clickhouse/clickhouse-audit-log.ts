// The audit log on ClickHouse: append-only rows; ids from IncreasingIds (ClickHouse has no
// sequences), so newest first is highest id first, as on DuckDB.
import { entryOf, type AuditEntry, type AuditFilter, type AuditLog, type StoredAuditEntry } from '../audit-store.js';
import type { IncreasingIds } from '../increasing-ids.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { sqlNumber, sqlString, sqlStrings } from './sql-literal.js';

export class ClickHouseAuditLog implements AuditLog {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly ids: IncreasingIds,
  ) {}

  async record(e: AuditEntry): Promise<void> {
    await this.db.insert('audit_log', [
      {
        id: this.ids.next(), tenant: e.tenant, at_ms: e.at, token_name: e.tokenName, role: e.role, action: e.action, target: e.target ?? null,
        request: e.request, detail: e.detail ?? null, status: e.status, result: e.result, error: e.error ?? null,
      },
    ]);
  }

  async list(tenant: string, filter: AuditFilter): Promise<StoredAuditEntry[]> {
    const where = [`tenant = ${sqlString(tenant)}`];
    if (filter.actions?.length) where.push(`action IN (${sqlStrings(filter.actions)})`);
    if (filter.tokenName !== undefined) where.push(`token_name = ${sqlString(filter.tokenName)}`);
    if (filter.results?.length) where.push(`result IN (${sqlStrings(filter.results)})`);
    if (filter.from !== undefined) where.push(`at_ms >= ${sqlNumber(filter.from)}`);
    if (filter.to !== undefined) where.push(`at_ms < ${sqlNumber(filter.to)}`);
    if (filter.before !== undefined) where.push(`id < ${sqlNumber(filter.before)}`);
    const rows = await this.db.read(`SELECT * FROM ${this.db.table('audit_log')} WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${sqlNumber(Math.max(0, Math.floor(filter.limit)))}`);
    return rows.map(entryOf);
  }
}
