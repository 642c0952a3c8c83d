import React from 'react';
import { runQuery } from '../common/api';
import { BandChart, type BandPoint } from '../common/BandChart';
import { useApp } from '../common/context';
import { seriesName } from '../common/format';
import type { AnomalyEvent } from '../common/types';
import { useRequest } from '../common/useRequest';

/** How much of the series to show around an event. */
const CONTEXT_MS = 2 * 3_600_000;

/**
 * The series around one anomaly event, from the warehouse's points (raw: the newest events are often
 * newer than the last complete rollup bucket), with the event's band over the event and its peak marked.
 */
export function AnomalySparkline({ event }: { event: AnomalyEvent }) {
  const { client } = useApp();
  const { __name__: _name, ...labels } = event.labels;
  const state = useRequest(
    () =>
      runQuery(client, {
        dataset: event.dataset,
        measures: ['avg'],
        groupBy: [],
        filters: Object.entries(labels).map(([label, value]) => ({ label, op: '=', value })),
        bucket: 'raw',
        range: { start: event.start - CONTEXT_MS, end: event.end + CONTEXT_MS },
      }),
    [client, event]
  );
  const frame = state.value?.[0];
  const times = frame?.fields.find((f) => f.type === 'time')?.values ?? [];
  const values = frame?.fields.find((f) => f.type === 'number')?.values ?? [];
  const points: BandPoint[] = times.map((t, i) => {
    const time = Number(t);
    const inEvent = time >= event.start && time <= event.end;
    return { t: time, v: values[i] === null ? null : Number(values[i]), ...(inEvent ? { upper: event.upper, lower: event.lower } : {}) };
  });
  return (
    <BandChart
      width={140}
      height={32}
      title={state.error ? `could not load the series: ${state.error.message}` : `${seriesName(event.labels)} around the event`}
      points={points}
      marks={[{ t: event.peakAt, v: event.value, severity: event.severity, score: event.peakScore }]}
    />
  );
}
