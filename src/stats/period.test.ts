import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestLag } from './period.js';

test('the autocorrelation peak finds the period, fractional lags included', () => {
  const values = Array.from({ length: 120 }, (_, i) => Math.sin((2 * Math.PI * i) / 16.5));
  const lag = bestLag(values, 0.3);
  assert.ok(Math.abs(lag - 16.5) < 0.5, `lag ${lag}`);
});

test('noise has no period', () => {
  let x = 1;
  const values = Array.from({ length: 120 }, () => ((x = (x * 16807) % 2147483647) / 2147483647));
  assert.equal(bestLag(values, 0.3), 0);
});
