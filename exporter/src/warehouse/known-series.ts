import type { SeriesRow } from './window-rows.js';

/** What the series table holds about one series, as far as a write needs to know. */
export interface StoredSeries {
  key: string;
  firstSeen: number;
  lastSeen: number;
}

/** How a window's series relate to the stored ones. */
export interface SeriesChanges {
  /** Not stored yet: appended as they are. */
  added: SeriesRow[];
  /** Stored, with samples outside their first..last seen: their bounds widen. */
  widened: SeriesRow[];
}

/**
 * The series reference rows of the datasets written by this process, kept in memory so that a
 * window upserts only what changes: after the first window of a dataset, an ingest cycle sends
 * no reference row that the table already has. The warehouse's one writer process is the only
 * one that changes the table, so the copy stays exact as long as it learns every committed
 * change (`remember`, after commit) and forgets what something else deleted (`forgetAll`).
 * About 150 bytes per series (its label text and two times).
 */
export class KnownSeries {
  private readonly datasets = new Map<string, Map<number, StoredSeries>>();

  /** The dataset's stored series, or undefined if they are not loaded yet. */
  of(tenant: string, dataset: string): ReadonlyMap<number, StoredSeries> | undefined {
    return this.datasets.get(datasetKey(tenant, dataset));
  }

  /**
   * Sorts a window's series into new and widened ones, against the dataset's stored series.
   * Refuses an id already stored with other labels: two series would be mixed under one id.
   */
  changes(dataset: string, stored: ReadonlyMap<number, StoredSeries>, rows: readonly SeriesRow[]): SeriesChanges {
    const changes: SeriesChanges = { added: [], widened: [] };
    for (const row of rows) {
      const known = stored.get(row.id);
      if (!known) changes.added.push(row);
      else if (known.key !== row.key) {
        throw new Error(`dataset ${dataset}: series ${row.key} and ${known.key} hash to the same id; refusing to mix them`);
      } else if (row.firstSeen < known.firstSeen || row.lastSeen > known.lastSeen) changes.widened.push(row);
    }
    return changes;
  }

  /** Takes the dataset's series as read from the table. */
  load(tenant: string, dataset: string, stored: Map<number, StoredSeries>): void {
    this.datasets.set(datasetKey(tenant, dataset), stored);
  }

  /** Applies committed changes; a dataset not loaded stays unloaded (it is read whole when next written). */
  remember(tenant: string, dataset: string, changes: SeriesChanges): void {
    const stored = this.datasets.get(datasetKey(tenant, dataset));
    if (!stored) return;
    for (const row of changes.added) stored.set(row.id, { key: row.key, firstSeen: row.firstSeen, lastSeen: row.lastSeen });
    for (const row of changes.widened) {
      const known = stored.get(row.id);
      if (!known) continue;
      known.firstSeen = Math.min(known.firstSeen, row.firstSeen);
      known.lastSeen = Math.max(known.lastSeen, row.lastSeen);
    }
  }

  forgetAll(): void {
    this.datasets.clear();
  }
}

function datasetKey(tenant: string, dataset: string): string {
  return `${tenant}\u0000${dataset}`;
}
