import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';
import type { DataFrame as SextantFrame } from '@sextant/core';
import { seriesName } from '../common/format';
import type { AlertEvent, AnomalyEvent, Recommendation } from '../common/types';

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

/** Anomaly events: one row each, as regions from start to end (the annotation fields time, timeEnd,
 * title, text, tags), with the peak and its explanation for the anomaly panel. */
export function anomalyFrame(events: AnomalyEvent[], refId: string): DataFrame {
  const name = (e: AnomalyEvent) => seriesName({ __name__: e.dataset, ...e.labels });
  return toDataFrame({
    name: 'anomalies',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: events.map((e) => e.start) },
      { name: 'timeEnd', type: FieldType.time, values: events.map((e) => e.end) },
      { name: 'title', type: FieldType.string, values: events.map((e) => `${e.severity} anomaly: ${name(e)}`) },
      { name: 'text', type: FieldType.string, values: events.map((e) => e.text) },
      { name: 'tags', type: FieldType.other, values: events.map((e) => ['sextant', e.severity, e.detector]) },
      { name: 'peakAt', type: FieldType.time, values: events.map((e) => e.peakAt) },
      { name: 'score', type: FieldType.number, values: events.map((e) => e.peakScore) },
      { name: 'severity', type: FieldType.string, values: events.map((e) => e.severity) },
      { name: 'value', type: FieldType.number, values: events.map((e) => e.value) },
      { name: 'expected', type: FieldType.number, values: events.map((e) => e.expected) },
      { name: 'lower', type: FieldType.number, values: events.map((e) => e.lower) },
      { name: 'upper', type: FieldType.number, values: events.map((e) => e.upper) },
      { name: 'series', type: FieldType.string, values: events.map(name) },
      { name: 'dataset', type: FieldType.string, values: events.map((e) => e.dataset) },
    ],
    meta: { custom: { sextantKind: 'anomalies' } },
  });
}

/**
 * Alert history as regions from when an alert fired to when it resolved: the history holds every
 * state change, and the latest one of each firing (fingerprint + start) says how it ended.
 */
export function alertFrame(events: AlertEvent[], refId: string): DataFrame {
  const latest = new Map<string, AlertEvent>();
  for (const e of events) {
    const key = `${e.fingerprint}/${e.startsAtMs}`;
    if ((latest.get(key)?.seq ?? -1) < e.seq) {
      latest.set(key, e);
    }
  }
  const alerts = [...latest.values()].sort((a, b) => a.startsAtMs - b.startsAtMs);
  return toDataFrame({
    name: 'alerts',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: alerts.map((a) => a.startsAtMs) },
      { name: 'timeEnd', type: FieldType.time, values: alerts.map((a) => a.endsAtMs) },
      { name: 'title', type: FieldType.string, values: alerts.map((a) => `${a.alertname} ${a.state}`) },
      // The rule's own words when it has them (Alertmanager's `summary` annotation), else its labels.
      { name: 'text', type: FieldType.string, values: alerts.map((a) => a.annotations.summary ?? seriesName(a.labels)) },
      { name: 'tags', type: FieldType.other, values: alerts.map((a) => ['alert', a.state, a.severity, ...a.suppressedBy]) },
      { name: 'service', type: FieldType.string, values: alerts.map((a) => a.service) },
    ],
    meta: { custom: { sextantKind: 'alerts' } },
  });
}

export function recommendationFrame(recommendations: Recommendation[], refId: string): DataFrame {
  const column = <T,>(pick: (r: Recommendation) => T) => recommendations.map(pick);
  return toDataFrame({
    name: 'recommendations',
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: column((r) => r.createdAt) },
      { name: 'id', type: FieldType.string, values: column((r) => r.id) },
      { name: 'rank', type: FieldType.number, values: column((r) => r.rank) },
      { name: 'title', type: FieldType.string, values: column((r) => r.title) },
      { name: 'explanation', type: FieldType.string, values: column((r) => r.explanation) },
      { name: 'entity', type: FieldType.string, values: column((r) => r.entity) },
      { name: 'kind', type: FieldType.string, values: column((r) => r.kind) },
      { name: 'severity', type: FieldType.string, values: column((r) => r.severity) },
      { name: 'status', type: FieldType.string, values: column((r) => r.status) },
      { name: 'successMean', type: FieldType.number, values: column((r) => r.posterior.mean) },
      { name: 'successCount', type: FieldType.number, values: column((r) => r.posterior.count) },
    ],
    meta: { custom: { sextantKind: 'recommendations' } },
  });
}
