// The anomaly tables: each series' detector state, which keeps scoring continuous across runs and
// restarts, and the anomaly events found, which the API lists. The score job and the routes use
// this interface; duckdb-anomaly-store.ts and clickhouse/ implement it.
import type { Labels } from '@sextant/core';
import type { Evidence } from '@sextant/core/anomaly';

/** Saved scoring state of one series. */
export interface SeriesScoringState {
  seriesId: number;
  /** Timestamp of the last point scored. */
  scoredUntil: number;
  state: Float64Array;
  /** The series' event that is still open (may grow on the next run), if any. */
  openEventStart: number | null;
  lastAlarm: number | null;
}

export interface AnomalyEvent {
  tenant: string;
  dataset: string;
  seriesId: number;
  labels: Labels;
  start: number;
  end: number;
  peakScore: number;
  peakAt: number;
  /** The explanation below is of the event's most deviant alarm, at this time, with this score. */
  explainedAt: number;
  explainedScore: number;
  severity: string;
  detector: string;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  deviation: number;
  /**
   * What the detector that fired found (the range seen, a level shift, a drift, the group members
   * by series, a persisted alarm), stored as JSON beside the event. Absent when it found nothing
   * beyond the point, and on events stored before the warehouses kept it.
   */
  evidence?: Evidence;
}

export interface AnomalyEventFilter {
  dataset?: string;
  /** Label matchers on the series: equality or regular expression (RE2, fully anchored). */
  matchers?: { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
  minScore?: number;
  /** Severities to include. */
  severities?: string[];
  /** Events overlapping [from, to). */
  from?: number;
  to?: number;
  limit: number;
}

/** New points of one dataset, columnar, ordered by series then time. */
export interface PointBatch {
  seriesIds: number[];
  ts: number[];
  values: number[];
}

/** Some of a dataset's series by id, ascending (a replica's share of them); absent: all of them. */
export type SeriesSubset = readonly number[];

export interface AnomalyStore {
  /** Saved detector state of every series of the dataset (or of `only`) that has one, by series id. */
  states(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, SeriesScoringState>>;
  /** Points after each series' saved state (every point for a series without one), at most `limit`, ordered by series then time; of `only` if given. */
  newPoints(tenant: string, dataset: string, limit: number, only?: SeriesSubset): Promise<PointBatch>;
  /**
   * Every point of the dataset's series that have a state, up to each one's scored-until time (the
   * history its detector has had, backfilled points included), by series then time, handed over
   * chunk by chunk so no more than a chunk is held at once.
   */
  scoredHistory(tenant: string, dataset: string, onChunk: (batch: PointBatch) => void): Promise<void>;
  seriesLabels(tenant: string, dataset: string): Promise<Map<number, Labels>>;
  /** In one transaction: replaces the states given and upserts the events (by series and start). */
  saveRun(tenant: string, dataset: string, states: readonly SeriesScoringState[], events: readonly AnomalyEvent[]): Promise<void>;
  /** The events still open (their series' state names their start), by series id; of `only` if given. */
  openEvents(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, AnomalyEvent>>;
  /** The tenant's events matching the filter, newest first. */
  events(tenant: string, filter: AnomalyEventFilter): Promise<AnomalyEvent[]>;
}

export function encodeState(state: Float64Array): string {
  return Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64');
}

export function decodeState(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer, 0, Math.floor(bytes.length / 8));
}

/** A row of anomaly_events (either engine) as an event with its series' labels. */
export function eventOf(r: Record<string, unknown>, labels: Labels): AnomalyEvent {
  return {
    tenant: String(r.tenant),
    dataset: String(r.dataset),
    seriesId: Number(r.series_id),
    labels,
    start: Number(r.start_ms),
    end: Number(r.end_ms),
    peakScore: Number(r.peak_score),
    peakAt: Number(r.peak_ms),
    explainedAt: Number(r.explained_ms),
    explainedScore: Number(r.explained_score),
    severity: String(r.severity),
    detector: String(r.detector),
    value: Number(r.value),
    expected: Number(r.expected),
    lower: Number(r.lower_band),
    upper: Number(r.upper_band),
    deviation: Number(r.deviation),
    ...evidenceOf(r.evidence),
  };
}

/** The evidence column's text: JSON, or nothing (NULL on DuckDB, '' on ClickHouse) for an event without evidence. */
export function evidenceText(e: AnomalyEvent): string | null {
  return e.evidence ? JSON.stringify(e.evidence) : null;
}

function evidenceOf(text: unknown): { evidence?: Evidence } {
  return typeof text === 'string' && text !== '' ? { evidence: JSON.parse(text) as Evidence } : {};
}

export function zipLabels(names: unknown, values: unknown): Labels {
  const labels: Record<string, string> = {};
  if (Array.isArray(names) && Array.isArray(values)) names.forEach((n, i) => (labels[String(n)] = String(values[i])));
  return labels;
}
