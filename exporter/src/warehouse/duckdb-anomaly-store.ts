// The anomaly store on DuckDB (tables of migrations 100 and 101).
import type { Labels } from '@sextant/core';
import type { AnomalyEvent, AnomalyEventFilter, AnomalyStore, PointBatch, SeriesScoringState, SeriesSubset } from './anomaly-store.js';
import { decodeState, encodeState, eventOf, evidenceText, zipLabels } from './anomaly-store.js';
import { CommitMemo } from './commit-memo.js';
import type { DuckDbHandle, SqlParam } from './duckdb-handle.js';

/** `AND <column> IN (the ids)` with the ids as one text parameter, or nothing without a subset. */
function subsetSql(column: string, only: SeriesSubset | undefined, params: SqlParam[]): string {
  if (only === undefined) return '';
  if (only.length === 0) return ' AND FALSE';
  params.push(only.join(','));
  return ` AND ${column} IN (SELECT UNNEST(string_split($${params.length}, ','))::BIGINT)`;
}

export class DuckDbAnomalyStore implements AnomalyStore {
  /** The answers of `events`, until a run writes events (commit-memo.ts). */
  private readonly answers = new CommitMemo();

  constructor(private readonly handle: DuckDbHandle) {}

  async states(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, SeriesScoringState>> {
    const params: SqlParam[] = [tenant, dataset];
    const rows = await this.handle.read(
      `SELECT series_id, scored_until_ms, state, open_event_start_ms, last_alarm_ms
         FROM anomaly_detector_state WHERE tenant = $1 AND dataset = $2${subsetSql('series_id', only, params)}`,
      params,
    );
    const out = new Map<number, SeriesScoringState>();
    for (const r of rows) {
      const seriesId = Number(r.series_id);
      out.set(seriesId, {
        seriesId,
        scoredUntil: Number(r.scored_until_ms),
        state: decodeState(String(r.state)),
        openEventStart: r.open_event_start_ms === null ? null : Number(r.open_event_start_ms),
        lastAlarm: r.last_alarm_ms === null ? null : Number(r.last_alarm_ms),
      });
    }
    return out;
  }

  /**
   * Points of the dataset after each series' scored-until time (all of a series' points when it
   * has no state yet: its history trains the detector), at most `limit`, by series then time.
   */
  async newPoints(tenant: string, dataset: string, limit: number, only?: SeriesSubset): Promise<PointBatch> {
    const batch: PointBatch = { seriesIds: [], ts: [], values: [] };
    const params: SqlParam[] = [tenant, dataset, limit];
    const subset = subsetSql('p.series_id', only, params);
    await this.handle.readChunks(
      `SELECT p.series_id::DOUBLE, p.ts::DOUBLE, p.value
         FROM points p
         LEFT JOIN anomaly_detector_state s
           ON s.tenant = p.tenant AND s.dataset = p.dataset AND s.series_id = p.series_id
        WHERE p.tenant = $1 AND p.dataset = $2 AND (s.scored_until_ms IS NULL OR p.ts > s.scored_until_ms)${subset}
        ORDER BY p.series_id, p.ts
        LIMIT $3`,
      params,
      ([seriesIds, ts, values]) => {
        for (let i = 0; i < seriesIds!.length; i++) {
          batch.seriesIds.push(seriesIds![i] as number);
          batch.ts.push(ts![i] as number);
          batch.values.push(values![i] as number);
        }
      },
    );
    return batch;
  }

  async scoredHistory(tenant: string, dataset: string, onChunk: (batch: PointBatch) => void): Promise<void> {
    await this.handle.readChunks(
      `SELECT p.series_id::DOUBLE, p.ts::DOUBLE, p.value
         FROM points p
         JOIN anomaly_detector_state s
           ON s.tenant = p.tenant AND s.dataset = p.dataset AND s.series_id = p.series_id
        WHERE p.tenant = $1 AND p.dataset = $2 AND p.ts <= s.scored_until_ms
        ORDER BY p.series_id, p.ts`,
      [tenant, dataset],
      ([seriesIds, ts, values]) => onChunk({ seriesIds: seriesIds as number[], ts: ts as number[], values: values as number[] }),
    );
  }

  async seriesLabels(tenant: string, dataset: string): Promise<Map<number, Labels>> {
    const rows = await this.handle.read(
      `SELECT series_id, map_keys(labels) AS names, map_values(labels) AS vals FROM series WHERE tenant = $1 AND dataset = $2`,
      [tenant, dataset],
    );
    const out = new Map<number, Labels>();
    for (const r of rows) out.set(Number(r.series_id), zipLabels(r.names, r.vals));
    return out;
  }

  /**
   * In one transaction: replaces the states of the series scored in this run, and writes the
   * events that opened or grew (an event is keyed by its series and start, so rewriting one
   * replaces it).
   */
  async saveRun(tenant: string, dataset: string, states: readonly SeriesScoringState[], events: readonly AnomalyEvent[]): Promise<void> {
    await this.handle.write(async (tx) => {
      await tx.run('DELETE FROM anomaly_state_staging');
      await tx.append('anomaly_state_staging', [
        states.map(() => tenant),
        states.map(() => dataset),
        states.map((s) => s.seriesId),
        states.map((s) => s.scoredUntil),
        states.map((s) => encodeState(s.state)),
        states.map((s) => s.openEventStart),
        states.map((s) => s.lastAlarm),
      ]);
      await tx.run(
        `DELETE FROM anomaly_detector_state WHERE tenant = $1 AND dataset = $2
           AND series_id IN (SELECT series_id FROM anomaly_state_staging)`,
        [tenant, dataset],
      );
      await tx.run('INSERT INTO anomaly_detector_state SELECT * FROM anomaly_state_staging');
      await tx.run('DELETE FROM anomaly_state_staging');
      for (const e of events) {
        await tx.run('DELETE FROM anomaly_events WHERE tenant = $1 AND dataset = $2 AND series_id = $3 AND start_ms = $4', [tenant, dataset, e.seriesId, e.start]);
        await tx.run(
          `INSERT INTO anomaly_events (tenant, dataset, series_id, start_ms, end_ms, peak_score, peak_ms, explained_ms, explained_score, severity, detector,
             value, expected, lower_band, upper_band, deviation, evidence)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
          [tenant, dataset, e.seriesId, e.start, e.end, e.peakScore, e.peakAt, e.explainedAt, e.explainedScore, e.severity, e.detector, e.value, e.expected, e.lower, e.upper, e.deviation, evidenceText(e)],
        );
      }
      if (events.length) tx.onCommit(() => this.answers.changed());
    });
  }

  /** Each series' event that is still open (may grow with the next points), by series. */
  async openEvents(tenant: string, dataset: string, only?: SeriesSubset): Promise<Map<number, AnomalyEvent>> {
    const params: SqlParam[] = [tenant, dataset];
    const rows = await this.handle.read(
      `SELECT e.* FROM anomaly_events e
         JOIN anomaly_detector_state s
           ON s.tenant = e.tenant AND s.dataset = e.dataset AND s.series_id = e.series_id AND s.open_event_start_ms = e.start_ms
        WHERE e.tenant = $1 AND e.dataset = $2${subsetSql('e.series_id', only, params)}`,
      params,
    );
    return new Map(rows.map((r) => [Number(r.series_id), eventOf(r, {})]));
  }

  /**
   * The tenant's events matching `filter`, newest first, with their series' labels: from memory
   * until a run writes events (a series' labels never change; retention deletes only series unseen
   * for longer than every level keeps).
   */
  events(tenant: string, filter: AnomalyEventFilter): Promise<AnomalyEvent[]> {
    return this.answers.get(JSON.stringify([tenant, filter]), () => this.readEvents(tenant, filter));
  }

  private async readEvents(tenant: string, filter: AnomalyEventFilter): Promise<AnomalyEvent[]> {
    const params: SqlParam[] = [tenant];
    const add = (v: SqlParam) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['e.tenant = $1'];
    if (filter.dataset !== undefined) where.push(`e.dataset = ${add(filter.dataset)}`);
    if (filter.minScore !== undefined) where.push(`e.peak_score >= ${add(filter.minScore)}`);
    if (filter.severities?.length) where.push(`e.severity IN (${filter.severities.map((s) => add(s)).join(', ')})`);
    if (filter.from !== undefined) where.push(`e.end_ms >= ${add(filter.from)}`);
    if (filter.to !== undefined) where.push(`e.start_ms < ${add(filter.to)}`);
    for (const m of filter.matchers ?? []) {
      const value = `coalesce(map_extract_value(s.labels, ${add(m.label)}), '')`;
      const wanted = add(m.value);
      if (m.op === '=') where.push(`${value} = ${wanted}`);
      else if (m.op === '!=') where.push(`${value} <> ${wanted}`);
      else if (m.op === '=~') where.push(`regexp_full_match(${value}, ${wanted})`);
      else where.push(`NOT regexp_full_match(${value}, ${wanted})`);
    }
    const rows = await this.handle.read(
      `SELECT e.*, map_keys(s.labels) AS names, map_values(s.labels) AS vals
         FROM anomaly_events e
         JOIN series s ON s.tenant = e.tenant AND s.dataset = e.dataset AND s.series_id = e.series_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.start_ms DESC, e.series_id
        LIMIT ${add(filter.limit)}`,
      params,
    );
    return rows.map((r) => eventOf(r, zipLabels(r.names, r.vals)));
  }
}

