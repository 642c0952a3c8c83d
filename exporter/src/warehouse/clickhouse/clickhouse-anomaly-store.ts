// The anomaly store on ClickHouse. A run's states and events are new versions of their rows
// (ReplacingMergeTree, read with FINAL). Without a transaction, the events are written first and the
// states last: a run cut in between leaves the old states, so the next run scores the same points
// again and writes the same events, which replace those written before.
import type { Labels } from '@sextant/core';
import {
  decodeState, encodeState, eventOf, evidenceText, zipLabels,
  type AnomalyEvent, type AnomalyEventFilter, type AnomalyStore, type PointBatch, type SeriesScoringState, type SeriesSubset,
} from '../anomaly-store.js';
import type { IncreasingIds } from '../increasing-ids.js';
import type { ClickHouseConnection, ClickHouseRow } from './clickhouse-connection.js';
import { labelMatchSql } from './clickhouse-labels.js';
import { appendPointLines } from './clickhouse-point-rows.js';
import { sqlNumber, sqlString, sqlStrings } from './sql-literal.js';

const EVENT_COLUMNS = `tenant, dataset, series_id, start_ms, end_ms, peak_score, peak_ms, explained_ms, explained_score, severity, detector,
  value, expected, lower_band, upper_band, deviation, evidence`;

/** Ids per `IN` list: a few thousand keep each query far below the server's max_query_size (256 KiB). */
const SUBSET_CHUNK = 4_000;

/** The conditions that select `only` (each at most SUBSET_CHUNK ids), or one empty condition for every series. */
function subsetConditions(only: SeriesSubset | undefined): string[] {
  if (only === undefined) return [''];
  const out: string[] = [];
  for (let i = 0; i < only.length; i += SUBSET_CHUNK) out.push(` AND series_id IN (${only.slice(i, i + SUBSET_CHUNK).map((id) => sqlNumber(id)).join(', ')})`);
  return out;
}

const nullableNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class ClickHouseAnomalyStore implements AnomalyStore {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly versions: IncreasingIds,
  ) {}

  private scope(tenant: string, dataset: string): string {
    return `tenant = ${sqlString(tenant)} AND dataset = ${sqlString(dataset)}`;
  }

  /** The rows of `query(subset condition)` for each chunk of `only`, one after the other. */
  private async readSubset(only: SeriesSubset | undefined, query: (subset: string) => string): Promise<ClickHouseRow[]> {
    const rows: ClickHouseRow[] = [];
    for (const subset of subsetConditions(only)) rows.push(...(await this.db.read(query(subset))));
    return rows;
  }

  async states(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, SeriesScoringState>> {
    const rows = await this.readSubset(
      only,
      (subset) => `SELECT series_id, scored_until_ms, state, open_event_start_ms, last_alarm_ms
       FROM ${this.db.table('anomaly_detector_state')} FINAL WHERE ${this.scope(tenant, dataset)}${subset}`,
    );
    const out = new Map<number, SeriesScoringState>();
    for (const r of rows) {
      const seriesId = Number(r.series_id);
      out.set(seriesId, {
        seriesId,
        scoredUntil: Number(r.scored_until_ms),
        state: decodeState(String(r.state)),
        openEventStart: nullableNumber(r.open_event_start_ms),
        lastAlarm: nullableNumber(r.last_alarm_ms),
      });
    }
    return out;
  }

  /**
   * The dataset's points joined with each series' scored-until time (has_state 0 for a series
   * without state); with `after`, only points after that time are read.
   */
  private pointsWithState(tenant: string, dataset: string, where: string, kind: 'LEFT' | 'INNER', subset = '', after?: number): string {
    const recent = after === undefined ? '' : ` AND ts > ${sqlNumber(after)}`;
    return `SELECT series_id, ts, value
      FROM (SELECT series_id, ts, value FROM ${this.db.table('points')} WHERE ${this.scope(tenant, dataset)}${subset}${recent}) AS l
      ALL ${kind} JOIN (SELECT series_id, scored_until_ms, toUInt8(1) AS has_state
                        FROM ${this.db.table('anomaly_detector_state')} FINAL WHERE ${this.scope(tenant, dataset)}${subset}) AS r USING series_id
      WHERE ${where}
      ORDER BY series_id, ts`;
  }

  async newPoints(tenant: string, dataset: string, limit: number, only?: SeriesSubset): Promise<PointBatch> {
    const batch: PointBatch = { seriesIds: [], ts: [], values: [] };
    // Chunks of ascending ids, each read in order: the batch stays ordered by series then time.
    for (const subset of subsetConditions(only)) {
      const left = Math.max(0, Math.floor(limit)) - batch.ts.length;
      if (left <= 0) break;
      const after = await this.scoredByAll(tenant, dataset, subset);
      await this.db.readLines(
        `${this.pointsWithState(tenant, dataset, 'has_state = 0 OR ts > scored_until_ms', 'LEFT', subset, after)} LIMIT ${sqlNumber(left)}`,
        (text) => appendPointLines(batch, text),
      );
    }
    return batch;
  }

  /**
   * When every series of the subset has a saved state, the earliest time up to which one was
   * scored: no new point lies before it, so the points read skip the history (the daily partitions
   * before it are not even opened). Undefined while some series has none (it needs all its points).
   */
  private async scoredByAll(tenant: string, dataset: string, subset: string): Promise<number | undefined> {
    const [row] = await this.db.read(
      `SELECT count() AS series, countIf(has_state = 1) AS scored, minIf(scored_until_ms, has_state = 1) AS after
       FROM (SELECT series_id FROM ${this.db.table('series')} FINAL WHERE ${this.scope(tenant, dataset)}${subset}) AS l
       ALL LEFT JOIN (SELECT series_id, scored_until_ms, toUInt8(1) AS has_state
                      FROM ${this.db.table('anomaly_detector_state')} FINAL WHERE ${this.scope(tenant, dataset)}${subset}) AS r USING series_id`,
    );
    const series = Number(row?.series ?? 0);
    return series > 0 && Number(row?.scored) === series ? Number(row?.after) : undefined;
  }

  async scoredHistory(tenant: string, dataset: string, onChunk: (batch: PointBatch) => void): Promise<void> {
    await this.db.readLines(this.pointsWithState(tenant, dataset, 'ts <= scored_until_ms', 'INNER'), (text) => {
      const batch: PointBatch = { seriesIds: [], ts: [], values: [] };
      appendPointLines(batch, text);
      onChunk(batch);
    });
  }

  async seriesLabels(tenant: string, dataset: string): Promise<Map<number, Labels>> {
    const rows = await this.db.read(`SELECT series_id, label_names, label_values FROM ${this.db.table('series')} FINAL WHERE ${this.scope(tenant, dataset)}`);
    return new Map(rows.map((r) => [Number(r.series_id), zipLabels(r.label_names, r.label_values)]));
  }

  async saveRun(tenant: string, dataset: string, states: readonly SeriesScoringState[], events: readonly AnomalyEvent[]): Promise<void> {
    const version = this.versions.next();
    await this.db.insert(
      'anomaly_events',
      events.map((e) => ({
        tenant, dataset, series_id: e.seriesId, start_ms: e.start, end_ms: e.end, peak_score: e.peakScore, peak_ms: e.peakAt,
        explained_ms: e.explainedAt, explained_score: e.explainedScore, severity: e.severity, detector: e.detector, value: e.value,
        expected: e.expected, lower_band: e.lower, upper_band: e.upper, deviation: e.deviation, evidence: evidenceText(e) ?? '', version,
      })),
    );
    await this.db.insert(
      'anomaly_detector_state',
      states.map((s) => ({
        tenant, dataset, series_id: s.seriesId, scored_until_ms: s.scoredUntil, state: encodeState(s.state),
        open_event_start_ms: s.openEventStart, last_alarm_ms: s.lastAlarm, version,
      })),
    );
  }

  async openEvents(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, AnomalyEvent>> {
    const rows = await this.readSubset(
      only,
      (subset) => `SELECT ${EVENT_COLUMNS}
       FROM (SELECT ${EVENT_COLUMNS} FROM ${this.db.table('anomaly_events')} FINAL WHERE ${this.scope(tenant, dataset)}${subset}) AS l
       ALL INNER JOIN (SELECT series_id, assumeNotNull(open_event_start_ms) AS start_ms FROM ${this.db.table('anomaly_detector_state')} FINAL
                       WHERE ${this.scope(tenant, dataset)}${subset} AND isNotNull(open_event_start_ms)) AS r USING (series_id, start_ms)`,
    );
    return new Map(rows.map((r) => [Number(r.series_id), eventOf(r, {})]));
  }

  async events(tenant: string, filter: AnomalyEventFilter): Promise<AnomalyEvent[]> {
    const where = [`tenant = ${sqlString(tenant)}`];
    if (filter.dataset !== undefined) where.push(`dataset = ${sqlString(filter.dataset)}`);
    if (filter.minScore !== undefined) where.push(`peak_score >= ${sqlNumber(filter.minScore)}`);
    if (filter.severities?.length) where.push(`severity IN (${sqlStrings(filter.severities)})`);
    if (filter.from !== undefined) where.push(`end_ms >= ${sqlNumber(filter.from)}`);
    if (filter.to !== undefined) where.push(`start_ms < ${sqlNumber(filter.to)}`);
    const matchers = (filter.matchers ?? []).map((m) => labelMatchSql(m.label, m.op, m.value));
    const rows = await this.db.read(
      `SELECT ${EVENT_COLUMNS}, label_names, label_values
       FROM (SELECT ${EVENT_COLUMNS} FROM ${this.db.table('anomaly_events')} FINAL WHERE ${where.join(' AND ')}) AS l
       ALL INNER JOIN (SELECT dataset, series_id, label_names, label_values FROM ${this.db.table('series')} FINAL WHERE tenant = ${sqlString(tenant)}) AS r
       USING (dataset, series_id)
       ${matchers.length ? `WHERE ${matchers.join(' AND ')}` : ''}
       ORDER BY start_ms DESC, series_id
       LIMIT ${sqlNumber(Math.max(0, Math.floor(filter.limit)))}`,
    );
    return rows.map((r) => eventOf(r, zipLabels(r.label_names, r.label_values)));
  }
}
