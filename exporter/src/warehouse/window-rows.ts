import { seriesKey, type Sample, type Series, type TimeRange } from '@sextant/core';
import { seriesIdOfKey } from './series-id.js';

/** One series' reference row, as replaceWindow stages it. */
export interface SeriesRow {
  id: number;
  key: string;
  labelsJson: string;
  firstSeen: number;
  lastSeen: number;
}

export interface WindowRows {
  series: SeriesRow[];
  /** Point columns in the points table's order except tenant and dataset. */
  ids: number[];
  ts: number[];
  values: number[];
}

/**
 * The rows a window writes: each series' samples inside [window.start, window.end). Refuses what
 * would silently merge two series or store a timestamp twice: two series with the same labels
 * (for example labels that differed only in a label the dataset drops), or a repeated timestamp.
 */
export function windowRows(tenant: string, dataset: string, window: TimeRange, series: Series[]): WindowRows {
  let total = 0;
  for (const s of series) total += s.samples.length;
  // Filled in place and trimmed at the end: this loop runs once per ingested point.
  const ids = new Array<number>(total);
  const ts = new Array<number>(total);
  const values = new Array<number>(total);
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
    const samples = inOrder(s.samples);
    const first = n;
    let previous = -Infinity;
    for (const p of samples) {
      const t = p.t;
      if (t < window.start || t >= window.end) continue;
      if (!Number.isInteger(t)) throw new Error(`dataset ${dataset}, series ${key}: timestamp ${t} is not integer ms`);
      if (t === previous) throw new Error(`dataset ${dataset}, series ${key}: two samples at ${new Date(t).toISOString()}`);
      if (typeof p.v !== 'number') throw new Error(`dataset ${dataset}, series ${key}: value ${String(p.v)} is not a number`);
      previous = t;
      ids[n] = id;
      ts[n] = t;
      values[n] = p.v;
      n++;
    }
    if (n > first) rows.push({ id, key, labelsJson: JSON.stringify(s.labels), firstSeen: ts[first]!, lastSeen: ts[n - 1]! });
  }
  ids.length = n;
  ts.length = n;
  values.length = n;
  return { series: rows, ids, ts, values };
}

/** The samples by time: as given when already sorted (the usual case), else a sorted copy. */
function inOrder(samples: readonly Sample[]): readonly Sample[] {
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.t < samples[i - 1]!.t) return [...samples].sort((a, b) => a.t - b.t);
  }
  return samples;
}
