// The recommend job's policy snapshots take their features from the worker pool, which builds the
// entity histories from the series handed over as columns: the features are exactly those the core's
// entityHistories and featureVectors give in this thread on the same demo series. The series
// analyzers (capacity, right-sizing, SLO budget) run there too, while the event loop keeps turning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertPeriodColumns, alertsByEntity, DEFAULT_SIGNAL_SOURCES, demoInputs, entityHistories, FEATURE_NAMES, featureVectors } from '@sextant/core/predict';
import { analyzeSeries } from '@sextant/core/recommend';
import { analyzeSeriesInWorker, latestFeaturesInWorker } from './recommend.js';
import { countingTurns } from '../testing/event-loop-turns.js';

const HOUR = 3_600_000;
const RANGE = { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 9) };

test('the worker gives every entity the features the core computes in process, and leaves the series usable', async () => {
  const { series, alerts } = demoInputs(1, RANGE);
  const now = RANGE.end - 6 * HOUR;
  const byEntity = alertsByEntity(alerts);
  const expected = entityHistories(series, DEFAULT_SIGNAL_SOURCES).map((h) => ({
    entity: h.entity,
    features: featureVectors(h, byEntity.get(h.entity) ?? [], [now], { windowMs: 30 * 60_000 })[0]!,
  }));
  const samplesBefore = Object.values(series).flat().reduce((n, s) => n + s.samples.length, 0);

  const features = await latestFeaturesInWorker(series, alertPeriodColumns(alerts), now);
  assert.deepEqual(features, expected);
  assert.ok(expected.length >= 5);
  // The features say something: levels measured, and the time since an alert for an entity that had one.
  const level = FEATURE_NAMES.indexOf('memory_level');
  const sinceAlert = FEATURE_NAMES.indexOf('hours_since_last_alert');
  assert.ok(features.some((f) => Number.isFinite(f.features[level]!)));
  assert.ok(alerts.length > 0 && features.some((f) => Number.isFinite(f.features[sinceAlert]!)));
  // The columns moved to the worker are a copy: the analyzers still read every sample here.
  assert.equal(Object.values(series).flat().reduce((n, s) => n + s.samples.length, 0), samplesBefore);
});

test('the series analyzers run in the worker: the candidates of the core in process, and the event loop turns meanwhile', async () => {
  const range = { start: RANGE.start, end: RANGE.start + 14 * 24 * HOUR };
  const { series } = demoInputs(1, range);
  const now = range.end - HOUR;
  const slos = [{ name: 'checkout-availability', service: 'checkout', objective: 0.999, windowMs: 7 * 24 * HOUR }];
  const expected = analyzeSeries(series, ['capacity', 'rightsizing', 'slo-budget'], slos, now);
  const { result: candidates, turns } = await countingTurns(() => analyzeSeriesInWorker(series, ['capacity', 'rightsizing', 'slo-budget'], slos, now));
  assert.deepEqual(candidates, expected);
  // What the demo's 14 days show: /var of node-2 filling up, hosts sized larger than they use, checkout's error budget burning.
  const found = candidates.map((c) => `${c.kind} ${c.entity} ${c.action}`);
  for (const f of ['capacity node-2:/var expand-disk', 'rightsizing node-1 reduce-cpu', 'slo-budget checkout protect-error-budget']) assert.ok(found.includes(f), `${f} not in ${found.join(', ')}`);
  // Computed on the loop, the analyzers (tens of ms) would have left it no turn until they ended.
  assert.ok(turns >= 10, `${turns} turns of the event loop while the worker computed`);
  assert.deepEqual(await analyzeSeriesInWorker(series, [], slos, now), []);
});
