import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetRow } from './dataset.js';
import { averagePrecision, evaluateScores, median } from './evaluate.js';

test('average precision matches a hand computation, with ties as one step', () => {
  // Ranked: 0.9 (1), 0.8 (0), 0.7 (1), 0.1 (0) -> AP = 0.5 * 1 + 0.5 * 2/3.
  assert.ok(Math.abs(averagePrecision([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0]) - (0.5 + 1 / 3)) < 1e-12);
  // All tied: one point, precision = base rate, recall 1.
  assert.equal(averagePrecision([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0]), 0.25);
});

test('precision at half recall and median lead time of detected incidents', () => {
  const row = (label: 0 | 1, alertStartsAt?: number, leadMs?: number): DatasetRow => ({
    entity: 'api', end: 0, label, ...(alertStartsAt === undefined ? {} : { alertStartsAt, leadMs }),
  });
  const rows = [row(1, 100, 30), row(1, 100, 20), row(1, 200, 10), row(1, 300, 5), row(0), row(0)];
  const scores = [0.9, 0.8, 0.05, 0.85, 0.95, 0.1];
  const e = evaluateScores(rows, scores);
  // Thresholds: 0.95 (p 0, r 0), 0.9 (1/2, 1/4), 0.85 (2/3, 2/4), 0.8 (3/4, 3/4), 0.1 (3/5, 3/4),
  // 0.05 (4/6, 1) -> the best precision with recall >= 0.5 is 3/4 at 0.8.
  assert.equal(e.threshold, 0.8);
  assert.equal(e.precisionAtHalfRecall, 0.75);
  assert.equal(e.incidents, 3);
  assert.equal(e.detected, 2);
  // Incident 100: earliest flagged window lead 30; incident 300: lead 5 -> median 17.5.
  assert.equal(e.medianLeadMs, 17.5);
  assert.equal(median([]), null);
});
