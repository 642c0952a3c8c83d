import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventTracker } from './events.js';
import type { ScoredPoint } from './explanation.js';

const point = (t: number, score: number): ScoredPoint => ({
  t, value: 1, score, expected: 0, lower: -1, upper: 1, deviation: 5, detector: 'robust-level', severity: 'medium',
});

test('alarms close together make one event with the peak explained; a long gap starts another', () => {
  const tracker = new EventTracker({ threshold: 0.5, mergeGapMs: 10 });
  for (const [t, s] of [[0, 0.1], [1, 0.6], [2, 0], [5, 0.9], [9, 0.2], [30, 0.7], [31, 0.1]] as const) tracker.add(point(t, s));
  assert.equal(tracker.touched.length, 2);
  const [first, second] = tracker.touched;
  assert.deepEqual([first!.start, first!.end, first!.peak.score], [1, 5, 0.9]);
  assert.deepEqual([second!.start, second!.end], [30, 30]);
  assert.equal(tracker.open, second);
});

test('an event carried over from an earlier run keeps growing', () => {
  const carried = { start: 0, end: 5, peak: point(5, 0.8) };
  const tracker = new EventTracker({ threshold: 0.5, mergeGapMs: 10 }, carried);
  tracker.add(point(8, 0.95));
  assert.equal(tracker.touched[0], carried);
  assert.deepEqual([carried.start, carried.end, carried.peak.score], [0, 8, 0.95]);
});
