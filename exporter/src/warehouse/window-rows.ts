import { seriesKey, type Labels, type Sample, type Series, type TimeRange } from '@sextant/core';
import { seriesIdOfKey } from './series-id.js';

/** One series' reference row, as replaceWindow writes it. */
export interface SeriesRow {
  id: number;
  key: string;
  labels: Labels;
  firstSeen: number;
  lastSeen: number;
}

export interface WindowRows {
  series: SeriesRow[];
  /**
   * Point columns in the points table's order except tenant and dataset: typed arrays, so the
   * Appender copies them without a check or a conversion per value.
   */
  ids: Float64Array;
  ts: Float64Array;
  values: Float64Array;
}

/**
 * The rows a window writes: each series' samples inside [window.start, window.end). Refuses what
 * would silently merge two series or store a timestamp twice: two series with the same labels
 * (for example labels that differed only in a label the dataset drops), or a repeated timestamp.
 */
export function windowRows(tenant: string, dataset: string, window: TimeRange, series: Series[]): WindowRows {
  let total = 0;
  for (const s of series) total += s.samples.length;
  // Filled in place and trimmed at the end.
  const columns: PointColumns = { ids: new Float64Array(total), ts: new Float64Array(total), values: new Float64Array(total) };
  let n = 0;
  const rows: SeriesRow[] = [];
  const seen = new Set<number>();
  for (const s of series) {
    const key = seriesKey(s.labels);
    const id = seriesIdOfKey(tenant, dataset, key);
    if (seen.has(id)) {
      throw new Error(`dataset ${dataset}: two series have the labels ${key}; keep a label that tells them apart`);
    }
    seen.add(id);
    const first = n;
    n = copySamples(inOrder(s.samples), window, id, columns, n, () => `dataset ${dataset}, series ${key}`);
    if (n > first) rows.push({ id, key, labels: s.labels, firstSeen: columns.ts[first]!, lastSeen: columns.ts[n - 1]! });
  }
  return { series: rows, ids: columns.ids.subarray(0, n), ts: columns.ts.subarray(0, n), values: columns.values.subarray(0, n) };
}

type PointColumns = Pick<WindowRows, 'ids' | 'ts' | 'values'>;

/**
 * Copies one series' samples inside the window into the columns from row `n`; returns the next
 * free row. Its own small function, run once per point, so V8 optimises it once for good (as one
 * loop inside windowRows it was recompiled on every call, at several times the cost).
 */
function copySamples(samples: readonly Sample[], window: TimeRange, id: number, columns: PointColumns, n: number, where: () => string): number {
  const { ids, ts, values } = columns;
  const { start, end } = window;
  let previous = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const p = samples[i]!;
    const t = p.t;
    if (t < start || t >= end) continue;
    if (!Number.isInteger(t)) throw new Error(`${where()}: timestamp ${t} is not integer ms`);
    if (t === previous) throw new Error(`${where()}: two samples at ${new Date(t).toISOString()}`);
    if (typeof p.v !== 'number') throw new Error(`${where()}: value ${String(p.v)} is not a number`);
    previous = t;
    ids[n] = id;
    ts[n] = t;
    values[n] = p.v;
    n++;
  }
  return n;
}

/** The samples by time: as given when already sorted (the usual case), else a sorted copy. */
function inOrder(samples: readonly Sample[]): readonly Sample[] {
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.t < samples[i - 1]!.t) return [...samples].sort((a, b) => a.t - b.t);
  }
  return samples;
}
