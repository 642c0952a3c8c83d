import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES, featureIndex, featureVectors, type EntityHistory } from './features.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

function at(vector: Float64Array, name: string): number {
  return vector[featureIndex(name)]!;
}

test('level, max and slope use exactly the samples in (end - window, end]', () => {
  // memory = 0.5 + 0.1 per hour, sampled every 5 minutes, plus one spike just outside the window.
  const memory = Array.from({ length: 25 }, (_, k) => ({ t: T0 + k * 5 * MIN, v: 0.5 + (0.1 * k * 5) / 60 }));
  memory[12] = { t: memory[12]!.t, v: 5 }; // at T0 + 60m, which is end - window for end = T0 + 90m
  const history: EntityHistory = { entity: 'api', signals: { memory } };
  const [v] = featureVectors(history, [], [T0 + 90 * MIN], { windowMs: 30 * MIN });
  const inWindow = memory.filter((s) => s.t > T0 + 60 * MIN && s.t <= T0 + 90 * MIN).map((s) => s.v);
  assert.equal(inWindow.length, 6);
  assert.ok(Math.abs(at(v!, 'memory_level') - inWindow.reduce((a, b) => a + b, 0) / 6) < 1e-12);
  assert.equal(at(v!, 'memory_max'), Math.max(...inWindow));
  assert.ok(Math.abs(at(v!, 'memory_slope_per_hour') - 0.1) < 1e-9);
});

test('missing signals are NaN; time since the last alert and time of day/week are filled', () => {
  const alerts = [{ entity: 'api', alertname: 'X', severity: 'warning', startsAt: T0 + 30 * MIN, endsAt: T0 + 40 * MIN }];
  const [before, after] = featureVectors({ entity: 'api', signals: {} }, alerts, [T0 + 6 * 60 * MIN, T0 + 54 * 60 * MIN], {
    windowMs: 30 * MIN,
  });
  assert.equal(before!.length, FEATURE_NAMES.length);
  assert.ok(Number.isNaN(at(before!, 'cpu_level')));
  assert.equal(at(before!, 'hours_since_last_alert'), 5.5);
  // 06:00 on a Monday: a quarter of the day, the start of the week.
  assert.ok(Math.abs(at(before!, 'hour_of_day_sin') - 1) < 1e-12);
  assert.ok(Math.abs(at(before!, 'day_of_week_sin') - Math.sin((2 * Math.PI * 6) / 168)) < 1e-12);
  assert.equal(at(after!, 'hours_since_last_alert'), 53.5);
});

test('an entity that never alerted gets the capped time since last alert', () => {
  const [v] = featureVectors({ entity: 'api', signals: {} }, [], [T0], { windowMs: 30 * MIN });
  assert.equal(at(v!, 'hours_since_last_alert'), 168);
});
