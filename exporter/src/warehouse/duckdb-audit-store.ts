// The audit log on DuckDB (table audit_log, migration 600).
import { entryOf, type AuditEntry, type AuditFilter, type AuditLog, type StoredAuditEntry } from './audit-store.js';
import type { DuckDbHandle, SqlParam } from './duckdb-handle.js';

export class DuckDbAuditLog implements AuditLog {
  constructor(private readonly handle: DuckDbHandle) {}

  async record(e: AuditEntry): Promise<void> {
    await this.handle.write((tx) =>
      tx.run(
        `INSERT INTO audit_log (tenant, at_ms, token_name, role, action, target, request, detail, status, result, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [e.tenant, e.at, e.tokenName, e.role, e.action, e.target ?? null, e.request, e.detail ?? null, e.status, e.result, e.error ?? null],
      ),
    );
  }

  async list(tenant: string, filter: AuditFilter): Promise<StoredAuditEntry[]> {
    const params: SqlParam[] = [tenant];
    const add = (v: SqlParam) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['tenant = $1'];
    if (filter.actions?.length) where.push(`action IN (${filter.actions.map((a) => add(a)).join(', ')})`);
    if (filter.tokenName !== undefined) where.push(`token_name = ${add(filter.tokenName)}`);
    if (filter.results?.length) where.push(`result IN (${filter.results.map((r) => add(r)).join(', ')})`);
    if (filter.from !== undefined) where.push(`at_ms >= ${add(filter.from)}`);
    if (filter.to !== undefined) where.push(`at_ms < ${add(filter.to)}`);
    if (filter.before !== undefined) where.push(`id < ${add(filter.before)}`);
    const rows = await this.handle.read(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${add(filter.limit)}`, params);
    return rows.map(entryOf);
  }
}

