import { seriesKey, type Series, type TimeRange } from '@sextant/core';
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
  const rows: WindowRows = { series: [], ids: [], ts: [], values: [] };
  const seen = new Set<number>();
  for (const s of series) {
    const key = seriesKey(s.labels);
    const id = seriesIdOfKey(tenant, dataset, key);
    if (seen.has(id)) {
      throw new Error(
        `dataset ${dataset}: two series have the labels ${key}; keep a label that tells them apart`,
      );
    }
    seen.add(id);
    const samples = s.samples.filter((p) => p.t >= window.start && p.t < window.end);
    if (samples.length === 0) continue;
    samples.sort((a, b) => a.t - b.t);
    let previous = NaN;
    for (const p of samples) {
      if (!Number.isInteger(p.t)) throw new Error(`dataset ${dataset}, series ${key}: timestamp ${p.t} is not integer ms`);
      if (p.t === previous) throw new Error(`dataset ${dataset}, series ${key}: two samples at ${new Date(p.t).toISOString()}`);
      if (typeof p.v !== 'number') throw new Error(`dataset ${dataset}, series ${key}: value ${String(p.v)} is not a number`);
      previous = p.t;
      rows.ids.push(id);
      rows.ts.push(p.t);
      rows.values.push(p.v);
    }
    rows.series.push({
      id,
      key,
      labelsJson: JSON.stringify(s.labels),
      firstSeen: samples[0]!.t,
      lastSeen: samples[samples.length - 1]!.t,
    });
  }
  return rows;
}
