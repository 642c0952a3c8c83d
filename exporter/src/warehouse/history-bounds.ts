// Lower bounds for the alert history's newest-first reads. Rows reach alert_events in about the
// order they are observed, so `observed_at_ms >= bound` lets DuckDB skip every older row group by
// its zone maps: the newest 100 rows of a 300,000-row history in 2 ms instead of 19. The bound of a
// tenant's read of its newest `limit` rows (no other filter) is the observed time of the last row of
// that read's previous answer. It is a hint, never trusted: a bounded read that finds fewer rows than
// its limit is read again without it.
import type { HistoryRow } from './alert-store.js';
import type { HistoryFilter } from './intake-alert-store.js';

/** Limits remembered per tenant (a dashboard asks for a few); the oldest learned is forgotten first. */
const LIMITS_PER_TENANT = 16;

export class HistoryBounds {
  private readonly byTenant = new Map<string, Map<number, number>>();

  /** The bound for this read, when it asks for the newest rows only and an earlier answer gave one. */
  of(tenant: string, filter: HistoryFilter): number | undefined {
    return newestOnly(filter) ? this.byTenant.get(tenant)?.get(filter.limit) : undefined;
  }

  /** Learns from the whole answer of a read (bounded or not) of the newest rows. */
  learn(tenant: string, filter: HistoryFilter, rows: readonly HistoryRow[]): void {
    if (!newestOnly(filter)) return;
    let limits = this.byTenant.get(tenant);
    if (!limits) this.byTenant.set(tenant, (limits = new Map()));
    limits.delete(filter.limit);
    // Fewer rows than the limit: the whole history fits, no bound helps.
    if (rows.length < filter.limit) return;
    limits.set(filter.limit, rows[rows.length - 1]!.observedAtMs);
    if (limits.size > LIMITS_PER_TENANT) limits.delete(limits.keys().next().value!);
  }
}

function newestOnly(filter: HistoryFilter): boolean {
  return filter.alertname === undefined && filter.fingerprint === undefined && filter.fromMs === undefined && filter.toMs === undefined;
}
