import type { TimeRange } from '../model/index.js';
import { alertsByEntity, type AlertPeriod } from './alerts.js';
import type { ColumnMatrix } from './binning.js';
import { FEATURE_NAMES, featureVectors, type EntityHistory } from './features.js';
import { labelWindow, type LabelOptions } from './labels.js';

export interface DatasetOptions extends LabelOptions {
  windowMs: number;
  /** Distance between consecutive window ends. */
  stepMs: number;
}

/** One labelled window; positives carry the alert they precede. */
export interface DatasetRow {
  entity: string;
  end: number;
  label: 0 | 1;
  alertStartsAt?: number;
  alertname?: string;
  leadMs?: number;
}

export interface Dataset {
  featureNames: readonly string[];
  rows: DatasetRow[];
  matrix: ColumnMatrix;
  labels: Uint8Array;
}

/**
 * Labelled feature windows of every entity with window ends at range.start + windowMs, + stepMs, ...
 * up to the last end whose horizon is fully inside the range (so no label depends on unseen time).
 * Windows that overlap a counted alert are left out.
 */
export function buildDataset(
  histories: readonly EntityHistory[],
  alerts: readonly AlertPeriod[],
  range: TimeRange,
  options: DatasetOptions,
): Dataset {
  const byEntity = alertsByEntity(alerts);
  const ends: number[] = [];
  for (let end = range.start + options.windowMs; end + options.horizonMs <= range.end; end += options.stepMs) ends.push(end);
  const rows: DatasetRow[] = [];
  const vectors: Float64Array[] = [];
  for (const history of histories) {
    const entityAlerts = byEntity.get(history.entity) ?? [];
    const features = featureVectors(history, entityAlerts, ends, options);
    ends.forEach((end, r) => {
      const label = labelWindow(entityAlerts, end - options.windowMs, end, options);
      if (label.kind === 'excluded') return;
      vectors.push(features[r]!);
      rows.push(
        label.kind === 'positive'
          ? { entity: history.entity, end, label: 1, alertStartsAt: label.alertStartsAt, alertname: label.alertname, leadMs: label.leadMs }
          : { entity: history.entity, end, label: 0 },
      );
    });
  }
  return {
    featureNames: FEATURE_NAMES,
    rows,
    matrix: toColumns(vectors, FEATURE_NAMES.length),
    labels: Uint8Array.from(rows, (row) => row.label),
  };
}

export function toColumns(vectors: readonly ArrayLike<number>[], width: number): ColumnMatrix {
  const columns = Array.from({ length: width }, () => new Float64Array(vectors.length));
  vectors.forEach((v, i) => {
    for (let f = 0; f < width; f += 1) columns[f]![i] = v[f]!;
  });
  return { rows: vectors.length, columns };
}

export function rowVector(matrix: ColumnMatrix, i: number): Float64Array {
  return Float64Array.from(matrix.columns, (column) => column[i]!);
}

/** Rows of `dataset` selected by `keep`, in order. */
export function subset(dataset: Dataset, keep: (row: DatasetRow) => boolean): Dataset {
  const indices: number[] = [];
  dataset.rows.forEach((row, i) => {
    if (keep(row)) indices.push(i);
  });
  return {
    featureNames: dataset.featureNames,
    rows: indices.map((i) => dataset.rows[i]!),
    matrix: {
      rows: indices.length,
      columns: dataset.matrix.columns.map((column) => Float64Array.from(indices, (i) => column[i]!)),
    },
    labels: Uint8Array.from(indices, (i) => dataset.labels[i]!),
  };
}

/**
 * Time-based split: training rows end before `cut - gapMs`, test rows end at or after `cut`, so that
 * no training label looks into the test period.
 */
export function splitByTime(dataset: Dataset, cut: number, gapMs: number): { train: Dataset; test: Dataset } {
  return {
    train: subset(dataset, (row) => row.end < cut - gapMs),
    test: subset(dataset, (row) => row.end >= cut),
  };
}
