// The recommend job's policy snapshots take their features from the worker pool, which builds the
// entity histories from the series handed over as columns: the features are exactly those the core's
// entityHistories and featureVectors give in this thread on the same demo series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsByEntity, DEFAULT_SIGNAL_SOURCES, demoInputs, entityHistories, FEATURE_NAMES, featureVectors } from '@sextant/core/predict';
import { latestFeaturesInWorker } from './recommend.js';

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

  const features = await latestFeaturesInWorker(series, alerts, now);
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
