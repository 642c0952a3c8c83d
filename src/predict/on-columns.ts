import { fromColumns, type SeriesColumns, type TimeRange } from '../model/index.js';
import { alertPeriodsOf, type AlertPeriodColumns } from './alert-columns.js';
import { alertsByEntity } from './alerts.js';
import { DEFAULT_SIGNAL_SOURCES, entityHistories } from './entities.js';
import { featureVectors, type WindowOptions } from './features.js';
import { predictNow, trainPredictor, type Prediction, type TrainedPredictor, type TrainOptions } from './predictor.js';

/**
 * Training and inference on the warehouse's series handed over as columns (two number arrays per
 * series, which a worker thread receives as buffers, not an object per sample), and the alert
 * periods likewise (alert-columns.ts): the entity histories are built where the computation runs, and
 * the answers are those of trainPredictor and predictNow on entityHistories of the same series.
 */
export type ColumnsByDataset = Readonly<Record<string, readonly SeriesColumns[]>>;

function historiesOf(columns: ColumnsByDataset) {
  const series = Object.fromEntries(Object.entries(columns).map(([dataset, list]) => [dataset, list.map(fromColumns)]));
  return entityHistories(series, DEFAULT_SIGNAL_SOURCES);
}

export function trainPredictorOnColumns(
  columns: ColumnsByDataset,
  alerts: AlertPeriodColumns,
  range: TimeRange,
  now: number,
  options: TrainOptions,
): TrainedPredictor {
  return trainPredictor(historiesOf(columns), alertPeriodsOf(alerts), range, now, options);
}

/** The predictions of every predictor, in their order, each over every entity. */
export function predictNowOnColumns(
  predictors: readonly TrainedPredictor[],
  columns: ColumnsByDataset,
  alerts: AlertPeriodColumns,
  now: number,
): Prediction[] {
  const histories = historiesOf(columns);
  const periods = alertPeriodsOf(alerts);
  return predictors.flatMap((predictor) => predictNow(predictor, histories, periods, now));
}

/** Every entity's feature vector for the window ending at `now` (what policies are evaluated on), in entityHistories' order. */
export function latestFeaturesOnColumns(
  columns: ColumnsByDataset,
  alerts: AlertPeriodColumns,
  now: number,
  options: WindowOptions,
): { entity: string; features: Float64Array }[] {
  const byEntity = alertsByEntity(alertPeriodsOf(alerts));
  return historiesOf(columns).map((h) => ({ entity: h.entity, features: featureVectors(h, byEntity.get(h.entity) ?? [], [now], options)[0]! }));
}
