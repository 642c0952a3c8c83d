import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChunks } from './prometheus-chunks.js';

const S = 1_000;

test('chunks cover every step of the half-open range once, each within the points limit', () => {
  const chunks = planChunks({ start: 0, end: 25 * S }, S, 10);
  assert.deepEqual(chunks, [
    { start: 0, end: 9 * S },
    { start: 10 * S, end: 19 * S },
    { start: 20 * S, end: 24 * S },
  ]);
});

test('evaluation times are multiples of the step, and a range of one step is one point', () => {
  assert.deepEqual(planChunks({ start: 1_500, end: 4_000 }, S, 11_000), [{ start: 2 * S, end: 3 * S }]);
  assert.deepEqual(planChunks({ start: 60 * S, end: 120 * S }, 60 * S, 11_000), [{ start: 60 * S, end: 60 * S }]);
  assert.deepEqual(planChunks({ start: 61 * S, end: 119 * S }, 60 * S, 11_000), []);
});

test('a day at 1s is 87 calls of at most 1000 points', () => {
  const chunks = planChunks({ start: 0, end: 86_400 * S }, S, 1_000);
  assert.equal(chunks.length, 87);
  for (const chunk of chunks) assert.ok((chunk.end - chunk.start) / S + 1 <= 1_000);
  assert.equal(chunks.reduce((n, c) => n + (c.end - c.start) / S + 1, 0), 86_400);
});
