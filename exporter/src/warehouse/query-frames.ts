import { seriesKey, type BiQuery, type DataFrame, type Field } from '@sextant/core';
import { PERCENTILES } from './query-sql.js';
import type { Row } from './duckdb-handle.js';
import { yieldToEventLoop } from '../event-loop.js';

/** Rows turned into frames between two turns of the event loop (a query's answer can hold 100,000s). */
export const ROWS_PER_TURN = 5_000;

/**
 * Rows of `aggregateSql` (ordered by group, then time) to one Grafana data frame per group: a
 * `time` field and one number field per measure, the group's labels on every number field.
 * Labels a series lacks ('' in the rows) are left out, as Prometheus does. Gives the event loop a
 * turn every ROWS_PER_TURN rows: the recommend job and training read weeks of 5-minute rollups.
 */
export async function toFrames(query: BiQuery, rows: Row[]): Promise<DataFrame[]> {
  const frames: DataFrame[] = [];
  let current: { groupValues: string[]; frame: DataFrame; merged: boolean } | undefined;
  for (let r = 0; r < rows.length; r++) {
    if (r > 0 && r % ROWS_PER_TURN === 0) await yieldToEventLoop();
    const row = rows[r]!;
    const groupValues = query.groupBy.map((_, i) => String(row[`g${i}`] ?? ''));
    if (!current || groupValues.some((v, i) => v !== current!.groupValues[i])) {
      const labels: Record<string, string> = {};
      query.groupBy.forEach((label, i) => {
        if (groupValues[i] !== '') labels[label] = groupValues[i]!;
      });
      current = { groupValues, frame: newFrame(query, labels), merged: false };
      frames.push(current.frame);
    }
    const [time, ...measures] = current.frame.fields as [Field, ...Field[]];
    time.values.push(row.time);
    query.measures.forEach((m, i) => measures[i]!.values.push(toNumber(row[`m_${m}`])));
    if (!current.merged && query.bucket !== 'raw' && Number(row.series_rows) > 1) {
      current.merged = true;
      const approximate = query.measures.filter((m) => PERCENTILES.includes(m));
      if (approximate.length) current.frame.meta = { ...current.frame.meta, approximate };
    }
  }
  return frames;
}

function newFrame(query: BiQuery, labels: Record<string, string>): DataFrame {
  const hasLabels = Object.keys(labels).length > 0;
  return {
    name: hasLabels ? `${query.dataset}${seriesKey(labels)}` : query.dataset,
    fields: [
      { name: 'time', type: 'time', values: [] },
      ...query.measures.map((m): Field => ({ name: m, type: 'number', values: [], labels: { ...labels } })),
    ],
    meta: { dataset: query.dataset, bucket: query.bucket },
  };
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Number(value);
}
