// Training and inference as the jobs run them, in a worker on the series handed over as columns, give
// exactly what the core's trainPredictor and predictNow give in this thread on entityHistories of the
// same demo series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toColumns } from '@sextant/core';
import { alertPeriodColumns, demoInputs, predictNow, trainPredictor, type Prediction, type TrainedPredictor, type TrainOptions } from '@sextant/core/predict';
import { WorkerPool } from '../worker-pool.js';

const HOUR = 3_600_000;
const RANGE = { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 14) };
const OPTIONS: TrainOptions = {
  version: 3, horizonMs: HOUR / 2, windowMs: HOUR / 2, stepMs: HOUR / 12, severities: ['critical'], testFraction: 0.25,
  forest: { trees: 20, maxDepth: 8, seed: 7 },
};

test('the worker builds the entity histories from columns and trains and predicts exactly as the core does in process', async (t) => {
  const pool = new WorkerPool();
  t.after(() => pool.close());
  const inputs = demoInputs(1, RANGE);
  const columns = () => Object.fromEntries(Object.entries(inputs.series).map(([dataset, list]) => [dataset, toColumns(list)]));
  const buffersOf = (c: ReturnType<typeof columns>) => Object.values(c).flatMap((list) => list.flatMap((s) => [s.t.buffer as ArrayBuffer, s.v.buffer as ArrayBuffer]));

  const expectedModel = trainPredictor(inputs.histories, inputs.alerts, RANGE, RANGE.end, OPTIONS);
  const trainColumns = columns();
  const model = await pool.run<TrainedPredictor>({ module: '@sextant/core/predict', name: 'trainPredictorOnColumns' }, [trainColumns, alertPeriodColumns(inputs.alerts), RANGE, RANGE.end, OPTIONS], undefined, buffersOf(trainColumns));
  assert.deepEqual(model, expectedModel);
  // Moved, not copied: the buffers are empty in this thread now.
  assert.ok(trainColumns['up']!.length > 0 && trainColumns['up']!.every((s) => s.t.byteLength === 0 && s.v.byteLength === 0));

  const later = { ...expectedModel, version: 4, horizonMs: HOUR };
  const now = RANGE.end - 6 * HOUR;
  const expected = [expectedModel, later].flatMap((m) => predictNow(m, inputs.histories, inputs.alerts, now));
  const predictColumns = columns();
  const predictions = await pool.run<Prediction[]>({ module: '@sextant/core/predict', name: 'predictNowOnColumns' }, [[expectedModel, later], predictColumns, alertPeriodColumns(inputs.alerts), now], undefined, buffersOf(predictColumns));
  assert.deepEqual(predictions, expected);
  assert.equal(predictions.length, 2 * inputs.histories.length);
  assert.ok(inputs.histories.length >= 5 && predictions.some((p) => p.probability > 0) && predictions.some((p) => p.contributions.length > 0));
});
