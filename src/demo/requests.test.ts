import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussian } from './random.js';
import { normalCdf, requestSeconds, slowShare } from './requests.js';

test('the normal CDF matches tabulated values', () => {
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-6);
});

test('request durations have the stated p95, and slowShare the share the draws have', () => {
  const draws = Array.from({ length: 40_000 }, (_, i) => requestSeconds(0.25, gaussian(3, 17, i))).sort((a, b) => a - b);
  const p95 = draws[Math.floor(0.95 * draws.length)]!;
  assert.ok(Math.abs(p95 / 0.25 - 1) < 0.03, `empirical p95 ${p95}`);
  const slow = draws.filter((d) => d > 0.5).length / draws.length;
  assert.ok(Math.abs(slow - slowShare(0.25, 0.5)) < 0.002, `${slow} vs ${slowShare(0.25, 0.5)}`);
  // The tail the scenario gives its p99 series: p99 about 1.9 times p95.
  const p99 = draws[Math.floor(0.99 * draws.length)]!;
  assert.ok(p99 / p95 > 1.7 && p99 / p95 < 2.1, `p99/p95 ${p99 / p95}`);
});
