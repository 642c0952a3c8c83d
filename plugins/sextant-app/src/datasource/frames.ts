import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';
import type { DataFrame as SextantFrame } from '@sextant/core';
import { seriesName } from '../common/format';
import type { AlertHistoryEntry, AnomalyEvent, Recommendation } from '../common/types';

const FIELD_TYPES: Record<SextantFrame['fields'][number]['type'], FieldType> = {
  time: FieldType.time,
  number: FieldType.number,
  string: FieldType.string,
  boolean: FieldType.boolean,
  other: FieldType.other,
};

/** A frame of Sextant's query API (src/model/frame.ts) as a Grafana data frame. */
export function fromSextantFrame(frame: SextantFrame, refId: string): DataFrame {
  return toDataFrame({
    name: frame.name,
    refId,
    meta: frame.meta ? { custom: frame.meta } : undefined,
    fields: frame.fields.map((field) => ({
      name: field.name,
      type: FIELD_TYPES[field.type],
      values: field.type === 'time' ? field.values.map(toMs) : field.values,
      labels: field.labels,
      config: field.config ?? {},
    })),
  });
}

/** The warehouse may answer times as ISO text or as milliseconds. */
function toMs(value: unknown): unknown {
  return typeof value === 'string' ? Date.parse(value) : value;
}

/** Anomaly events: one row each, with the fields annotations read (time, title, text, tags). */
export function anomalyFrame(events: AnomalyEvent[], refId: string): DataFrame {
  return toDataFrame({
    name: 'anomalies',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: events.map((e) => e.time) },
      { name: 'title', type: FieldType.string, values: events.map((e) => `${e.severity} anomaly: ${seriesName(e.series)}`) },
      { name: 'text', type: FieldType.string, values: events.map((e) => e.explanation) },
      { name: 'tags', type: FieldType.other, values: events.map((e) => ['sextant', e.severity, e.detector]) },
      { name: 'score', type: FieldType.number, values: events.map((e) => e.score) },
      { name: 'severity', type: FieldType.string, values: events.map((e) => e.severity) },
      { name: 'value', type: FieldType.number, values: events.map((e) => e.value) },
      { name: 'expected', type: FieldType.number, values: events.map((e) => e.expected) },
      { name: 'upper', type: FieldType.number, values: events.map((e) => e.upper) },
      { name: 'lower', type: FieldType.number, values: events.map((e) => e.lower) },
      { name: 'series', type: FieldType.string, values: events.map((e) => seriesName(e.series)) },
    ],
    meta: { custom: { sextantKind: 'anomalies' } },
  });
}

/** Alert history as regions: from when an alert fired to when it resolved. */
export function alertFrame(alerts: AlertHistoryEntry[], refId: string): DataFrame {
  return toDataFrame({
    name: 'alerts',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: alerts.map((a) => a.startsAt) },
      { name: 'timeEnd', type: FieldType.time, values: alerts.map((a) => a.endsAt ?? null) },
      { name: 'title', type: FieldType.string, values: alerts.map((a) => `${a.labels.alertname ?? 'alert'} ${a.status}`) },
      { name: 'text', type: FieldType.string, values: alerts.map((a) => seriesName(a.labels)) },
      {
        name: 'tags',
        type: FieldType.other,
        values: alerts.map((a) => ['alert', a.status, ...(a.silenced ? ['silenced'] : []), ...(a.inhibited ? ['inhibited'] : [])]),
      },
    ],
    meta: { custom: { sextantKind: 'alerts' } },
  });
}

export function recommendationFrame(recommendations: Recommendation[], refId: string): DataFrame {
  return toDataFrame({
    name: 'recommendations',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: recommendations.map((r) => r.time) },
      { name: 'id', type: FieldType.string, values: recommendations.map((r) => r.id) },
      { name: 'title', type: FieldType.string, values: recommendations.map((r) => r.title) },
      { name: 'description', type: FieldType.string, values: recommendations.map((r) => r.description) },
      { name: 'service', type: FieldType.string, values: recommendations.map((r) => r.service ?? '') },
      { name: 'policy', type: FieldType.string, values: recommendations.map((r) => r.policy) },
      { name: 'status', type: FieldType.string, values: recommendations.map((r) => r.status) },
      { name: 'successRate', type: FieldType.number, values: recommendations.map((r) => r.successRate) },
    ],
    meta: { custom: { sextantKind: 'recommendations' } },
  });
}
