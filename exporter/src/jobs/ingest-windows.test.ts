import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planWindows } from './ingest-windows.js';

const M = 60_000;

test('windows tile the aligned range without gap or overlap, cut at multiples of the window length', () => {
  const windows = planWindows(10 * M + 5_000, 200 * M + 30_000, M, 60 * M);
  assert.deepEqual(windows, [
    { start: 10 * M, end: 60 * M },
    { start: 60 * M, end: 120 * M },
    { start: 120 * M, end: 180 * M },
    { start: 180 * M, end: 200 * M },
  ]);
});

test('a window is at least one step, and whole steps', () => {
  assert.deepEqual(planWindows(0, 3 * M, M, 1_000), [
    { start: 0, end: M },
    { start: M, end: 2 * M },
    { start: 2 * M, end: 3 * M },
  ]);
  assert.deepEqual(planWindows(0, 10 * M, 2 * M, 3 * M), [
    { start: 0, end: 4 * M },
    { start: 4 * M, end: 8 * M },
    { start: 8 * M, end: 10 * M },
  ]);
});

test('nothing to do when the range is empty or shorter than a step', () => {
  assert.deepEqual(planWindows(5 * M, 5 * M + 30_000, M, 60 * M), []);
  assert.deepEqual(planWindows(6 * M, 5 * M, M, 60 * M), []);
});
