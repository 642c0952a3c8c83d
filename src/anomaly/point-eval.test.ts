import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePointLabels } from './point-eval.js';

const MINUTE = 60_000;
const minutes = (n: number) => Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * MINUTE);

// Worked by hand (threshold 0.5, the first 10% of each series is history):
// series a, 20 points, history = points 0-1 (the alarm at 0 is not judged)
//   incidents [3,5] [11,12] [16,17]; alarm runs {4,5} {7} {14,15} {19}
//   -> incident [3,5] found 1 minute after its start, the other two missed; 1 of 4 alarm runs touches one
//   -> healthy time: the steps into points 6-10, 13-15 and 18-19 = 10 minutes
// series b, 10 points, history = point 0, no incident, one alarm at 5, healthy 8 minutes
// total: recall 1/3, precision 1/5, F1 = 2(1/3)(1/5)/(1/3 + 1/5) = 1/4,
//   false alarms 4 in 18 healthy minutes = 4 * 10080 / 18 = 2240 per series-week
const a = {
  name: 'a',
  timestamps: minutes(20),
  labels: [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0],
  scores: [0.9, 0, 0, 0, 0.6, 0.7, 0, 0.8, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0, 0.2, 0, 0.6],
};
const b = { name: 'b', timestamps: minutes(10), labels: new Array(10).fill(0), scores: [0, 0, 0, 0, 0, 0.7, 0, 0, 0, 0] };

test('incident recall, alarm precision, event F1, delay and false alarms per series-week match a hand count', () => {
  const r = evaluatePointLabels([a, b], { threshold: 0.5, history: 0.1 });
  const [ra, rb] = r.perSeries;
  assert.deepEqual([ra!.incidents, ra!.detected, ra!.alarms, ra!.trueAlarms], [3, 1, 4, 1]);
  assert.equal(ra!.recall, 1 / 3);
  assert.equal(ra!.precision, 1 / 4);
  assert.ok(Math.abs(ra!.f1 - 2 / 7) < 1e-12);
  assert.equal(ra!.meanDelayMs, MINUTE);
  assert.equal(ra!.meanDelayPoints, 1);
  assert.equal(ra!.healthyMs, 10 * MINUTE);
  assert.ok(Math.abs(ra!.falseAlarmsPerSeriesWeek - 3024) < 1e-9);
  assert.ok(Number.isNaN(rb!.recall), 'no incident: recall undefined');
  assert.equal(rb!.precision, 0);
  assert.equal(rb!.healthyMs, 8 * MINUTE);

  assert.equal(r.series, 2);
  assert.deepEqual([r.incidents, r.detected, r.alarms, r.trueAlarms], [3, 1, 5, 1]);
  assert.equal(r.recall, 1 / 3);
  assert.equal(r.precision, 1 / 5);
  assert.ok(Math.abs(r.f1 - 0.25) < 1e-12);
  assert.equal(r.meanDelayMs, MINUTE);
  assert.ok(Math.abs(r.falseAlarmsPerSeriesWeek - 2240) < 1e-9);
});

test('a higher threshold drops the weaker alarms; a detector that never fires finds nothing and scores F1 0', () => {
  const strict = evaluatePointLabels([a], { threshold: 0.65, history: 0.1 });
  assert.deepEqual([strict.detected, strict.alarms, strict.trueAlarms], [1, 2, 1]);
  assert.equal(strict.meanDelayPoints, 2, 'the first alarm at 0.65 inside [3,5] is point 5');
  const never = evaluatePointLabels([a], { threshold: 2, history: 0 });
  assert.deepEqual([never.detected, never.alarms, never.f1], [0, 0, 0]);
  assert.ok(Number.isNaN(never.meanDelayMs));
  assert.equal(never.falseAlarmsPerSeriesWeek, 0);
});

test('labels, scores and timestamps of different lengths are refused', () => {
  assert.throws(() => evaluatePointLabels([{ ...a, labels: [0, 1] }]), /a: 20 scores, 2 labels/);
});
