import { FieldType, type DataFrame, type Field } from '@grafana/data';
import { seriesKey, type Labels } from '@sextant/core';
import type { AnomalyMark, BandPoint } from '../../common/BandChart';
import type { Severity } from '../../common/types';
import { markFromBand } from './severity';

/** One series to draw: its points with their band, and its scored anomalies. */
export interface PanelSeries {
  name: string;
  points: BandPoint[];
  marks: AnomalyMark[];
}

type Role = 'upper' | 'lower' | 'score' | 'level' | 'value';

// Sextant's exported metrics (DESIGN.md) and the `anomaly:` recording-rule contract of
// promql-anomaly-detection, which Sextant's generated band rules also follow. The contract's
// `anomaly:level` is the observed line compared with the bands, so it is a value, unlike Sextant's
// own `sextant_anomaly_level` (the expected value).
const ROLES: Array<[RegExp, Role]> = [
  [/(sextant_anomaly_upper_band|anomaly:upper_band|^upper$)/, 'upper'],
  [/(sextant_anomaly_lower_band|anomaly:lower_band|^lower$)/, 'lower'],
  [/(sextant_anomaly_score|^score$)/, 'score'],
  [/(sextant_anomaly_level|^expected$)/, 'level'],
];

/** Labels that name what a band series is (`sextant_detector`, `sextant_dataset`, ...), not which input series it belongs to. */
function isBandOnlyLabel(name: string): boolean {
  return name === '__name__' || name.startsWith('sextant_');
}

/**
 * Labels of the input series a band, level or score series belongs to. Scraped from Sextant without
 * honor_labels, Prometheus keeps the input's own `job` and `instance` as `exported_job` and
 * `exported_instance`, and sets `job` and `instance` to Sextant's scrape target.
 */
function inputLabels(labels: Labels): Labels {
  const own: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (!isBandOnlyLabel(name) && !name.startsWith('exported_')) {
      own[name] = value;
    }
  }
  for (const [name, value] of Object.entries(labels)) {
    if (name.startsWith('exported_')) {
      own[name.slice('exported_'.length)] = value;
    }
  }
  return own;
}

interface NumberColumn {
  role: Role;
  /** The warehouse dataset the column comes from (Sextant's data source frames say it). */
  dataset?: string;
  identity: string;
  name: string;
  labels: Labels;
  times: number[];
  values: Array<number | null>;
}

/**
 * Splits query results into drawable series. Works on Prometheus frames (one frame per series, the
 * metric name in `__name__` or the frame name) and on Sextant's data source frames (warehouse rollups
 * and the anomaly events frame).
 */
export function panelSeries(frames: DataFrame[]): PanelSeries[] {
  const columns: NumberColumn[] = [];
  const events: EventMark[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    const times = time.values.map(Number);
    if ((frame.meta?.custom as { sextantKind?: string } | undefined)?.sextantKind === 'anomalies') {
      events.push(...eventMarks(frame));
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const name = metricName(frame, field);
      const labels = field.labels ?? {};
      columns.push({
        role: roleOf(name),
        dataset: (frame.meta?.custom as { dataset?: string } | undefined)?.dataset,
        identity: identityOf(labels),
        name: displayName(frame, field, name),
        labels,
        times,
        values: field.values.map((v) => (v === null || v === undefined ? null : Number(v))),
      });
    }
  }

  const values = columns.filter((c) => c.role === 'value');
  return values.map((value) => {
    // The band of the same labels; else one that carries every label of the series (with the scrape
    // target's labels beside them); else, for a lone series, the only band there is.
    const wanted = inputLabels(value.labels);
    const related = (role: Role) =>
      columns.find((c) => c.role === role && c.identity === value.identity) ??
      columns.find((c) => c.role === role && carries(inputLabels(c.labels), wanted)) ??
      (values.length === 1 ? columns.find((c) => c.role === role) : undefined);
    const upper = byTime(related('upper'));
    const lower = byTime(related('lower'));
    const score = byTime(related('score'));
    const points: BandPoint[] = value.times.map((t, i) => ({ t, v: value.values[i] ?? null, upper: upper.get(t), lower: lower.get(t) }));
    const scored = points.flatMap((p) => {
      const s = score.get(p.t);
      return s === undefined || s === null ? [] : markFromBand(p, s);
    });
    const own = events.filter((e) => (!value.dataset || !e.dataset || e.dataset === value.dataset) && (values.length === 1 || belongsTo(e, value.labels)));
    return { name: value.name, points, marks: [...scored, ...own.map(({ labels: _labels, dataset: _dataset, ...mark }) => mark)] };
  });
}

function roleOf(name: string): Role {
  return ROLES.find(([pattern]) => pattern.test(name))?.[1] ?? 'value';
}

function metricName(frame: DataFrame, field: Field): string {
  return field.labels?.__name__ ?? field.config?.displayNameFromDS ?? (field.name === 'Value' ? frame.name : field.name) ?? field.name;
}

function displayName(frame: DataFrame, field: Field, metric: string): string {
  const { __name__: _name, ...rest } = field.labels ?? {};
  const labels = Object.keys(rest).length > 0 ? seriesKey(rest) : '';
  if (field.config?.displayNameFromDS || field.config?.displayName) {
    return field.config.displayNameFromDS ?? field.config.displayName!;
  }
  return frame.name && field.name !== 'Value' ? `${frame.name} ${field.name}` : `${metric}${labels}`;
}

function identityOf(labels: Labels): string {
  return seriesKey(inputLabels(labels));
}

function carries(labels: Labels, wanted: Labels): boolean {
  const names = Object.keys(wanted);
  return names.length > 0 && names.every((name) => labels[name] === wanted[name]);
}

function byTime(column: NumberColumn | undefined): Map<number, number | null> {
  const map = new Map<number, number | null>();
  column?.times.forEach((t, i) => map.set(t, column.values[i] ?? null));
  return map;
}

type EventMark = AnomalyMark & { labels: string; dataset?: string };

/** Marks from the data source's anomaly events frame: each event's peak (peakAt, value, score, severity). */
function eventMarks(frame: DataFrame): EventMark[] {
  const column = (name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];
  const times = column('peakAt').map(Number);
  const value = column('value');
  const score = column('score');
  const severity = column('severity');
  const series = column('series');
  const dataset = column('dataset');
  return times.map((t, i) => ({
    dataset: dataset[i] === undefined ? undefined : String(dataset[i]),
    t,
    v: Number(value[i]),
    score: Number(score[i]),
    severity: severity[i] as Severity,
    labels: String(series[i] ?? ''),
  }));
}

/** An event belongs to a series when the event's series text carries every label of it. */
function belongsTo(event: EventMark, labels: Labels): boolean {
  return Object.entries(labels).every(([name, value]) => name === '__name__' || event.labels.includes(`${name}="${value}"`));
}
