// The alert history's table reads, answered again until the intake's next load. Dashboards poll the
// same history (the newest 100 state changes, say) every few seconds from every open browser, while
// webhooks keep the intake loading about once a second. Between two loads alert_events does not
// change: an earlier read of it, merged with the rows acknowledged since (AlertIntake.unloadedAfter),
// is what a new read would answer, without a reading connection or DuckDB's time (the history was
// the soak's slowest read, bench/results/soak.md).
import type { HistoryRow } from './alert-store.js';
import type { HistoryFilter } from './intake-alert-store.js';

/** A read of alert_events and the id of the last intake segment it holds. */
export interface TableRead {
  rows: HistoryRow[];
  loadedThrough: number;
}

/** Reads kept at most (each of at most its filter's limit of rows); the oldest goes first. */
const MAX_READS = 16;

export class RecentHistoryReads {
  private readonly reads = new Map<string, Promise<TableRead | undefined>>();

  /** The latest read of this filter, ended or still under way; undefined in it when it failed. */
  latest(tenant: string, filter: HistoryFilter): Promise<TableRead | undefined> | undefined {
    return this.reads.get(keyOf(tenant, filter));
  }

  /** Keeps a read just started as the latest of its filter. */
  keep(tenant: string, filter: HistoryFilter, read: Promise<TableRead>): void {
    const key = keyOf(tenant, filter);
    this.reads.delete(key);
    this.reads.set(
      key,
      read.catch(() => undefined),
    );
    if (this.reads.size > MAX_READS) this.reads.delete(this.reads.keys().next().value!);
  }
}

function keyOf(tenant: string, filter: HistoryFilter): string {
  return JSON.stringify([tenant, filter.alertname ?? null, filter.fingerprint ?? null, filter.fromMs ?? null, filter.toMs ?? null, filter.limit]);
}
