import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinear, predictLinear } from './linear.js';
import { fitSeasonal, forecastAt } from './seasonal.js';
import { timeToThreshold } from './time-to-threshold.js';

const HOUR = 3_600_000;

test('a straight line is recovered exactly and predict_linear reads it ahead like Prometheus', () => {
  const samples = Array.from({ length: 13 }, (_, k) => ({ t: k * 5 * 60_000, v: 0.2 + 0.01 * k }));
  const fit = fitLinear(samples)!;
  assert.ok(Math.abs(fit.slopePerMs * HOUR - 0.12) < 1e-12);
  assert.ok(fit.residualStd < 1e-12);
  // At t = 1h the value is 0.32; four hours later the line gives 0.32 + 4 * 0.12.
  assert.ok(Math.abs(predictLinear(samples, HOUR, HOUR, 4 * HOUR)! - 0.8) < 1e-12);
  assert.equal(fitLinear(samples.slice(0, 1)), undefined);
});

test('trend plus daily cycle: forecast and time to threshold match the generating formula', () => {
  const truth = (t: number) => 0.5 + (0.02 * t) / HOUR + 0.1 * Math.sin((2 * Math.PI * t) / (24 * HOUR));
  const samples = Array.from({ length: 3 * 24 * 12 }, (_, k) => ({ t: k * 5 * 60_000, v: truth(k * 5 * 60_000) }));
  const fit = fitSeasonal(samples)!;
  const now = 3 * 24 * HOUR;
  for (const ahead of [1, 6, 12]) {
    assert.ok(Math.abs(forecastAt(fit, now + ahead * HOUR) - truth(now + ahead * HOUR)) < 0.02);
  }
  const crossing = timeToThreshold(fit, now, { threshold: 2, maxHorizonMs: 7 * 24 * HOUR, stepMs: 5 * 60_000 });
  // Independent: scan the generating formula itself.
  let expected = now;
  while (truth(expected) < 2) expected += 5 * 60_000;
  assert.ok(crossing && Math.abs(crossing.at - expected) <= 2 * HOUR, `got ${crossing?.at}, expected ${expected}`);
  assert.equal(timeToThreshold(fit, now, { threshold: 5, maxHorizonMs: 24 * HOUR, stepMs: HOUR }), undefined);
});

test('with less than a period of history the profile stays flat and a margin brings the ETA forward', () => {
  const samples = Array.from({ length: 24 }, (_, k) => ({ t: k * 5 * 60_000, v: 0.5 + 0.005 * k + (k % 2 ? 0.01 : -0.01) }));
  const fit = fitSeasonal(samples)!;
  assert.ok(fit.profile.every(Number.isNaN));
  const from = samples[23]!.t;
  const plain = timeToThreshold(fit, from, { threshold: 1, maxHorizonMs: 24 * HOUR, stepMs: 60_000 })!;
  const careful = timeToThreshold(fit, from, { threshold: 1, maxHorizonMs: 24 * HOUR, stepMs: 60_000, margin: 3 })!;
  assert.ok(careful.etaMs < plain.etaMs);
});
