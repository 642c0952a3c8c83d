// The audit log (migration 600): every state change made through the API, and the service's own
// scheduled reports, per tenant; append-only, read newest first in pages. duckdb-audit-store.ts
// implements it.

export const AUDIT_RESULTS = ['ok', 'denied', 'refused', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditEntry {
  tenant: string;
  at: number;
  tokenName: string;
  role: string;
  action: string;
  target?: string;
  request: string;
  detail?: string;
  status: number;
  result: AuditResult;
  error?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
}

export interface AuditFilter {
  actions?: string[];
  tokenName?: string;
  results?: AuditResult[];
  /** Entries at or after `from` and before `to` (Unix ms). */
  from?: number;
  to?: number;
  /** Paging: only entries older than this id (the `next` of the previous page). */
  before?: number;
  limit: number;
}

/** The store the API and the jobs write to; one implementation per warehouse engine. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** The tenant's entries matching `filter`, newest first. */
  list(tenant: string, filter: AuditFilter): Promise<StoredAuditEntry[]>;
}

/** A row of audit_log (either engine) as an entry. */
export function entryOf(r: Record<string, unknown>): StoredAuditEntry {
  const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const [target, detail, error] = [text(r.target), text(r.detail), text(r.error)];
  return {
    id: Number(r.id),
    tenant: String(r.tenant),
    at: Number(r.at_ms),
    tokenName: String(r.token_name),
    role: String(r.role),
    action: String(r.action),
    ...(target !== undefined ? { target } : {}),
    request: String(r.request),
    ...(detail !== undefined ? { detail } : {}),
    status: Number(r.status),
    result: String(r.result) as AuditResult,
    ...(error !== undefined ? { error } : {}),
  };
}
