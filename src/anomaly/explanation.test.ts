// The bad explanations issue 15 names: severity that contradicts the score (0.574 critical, 0.9996
// high, 1.00 low), an expected value of 1.9e-82 and a deviation of 1e11 sigmas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventTracker } from './events.js';
import type { ScoredPoint } from './explanation.js';
import { severityOf, severityRank } from './severity.js';
import { UnivariateDetector } from './univariate.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);

test('severity follows the score: never lower for a higher score; 0.574 low, 0.9996 and 1.00 critical', () => {
  let previous = -1;
  for (let score = 0; score <= 1; score += 0.001) {
    const rank = severityRank(severityOf(score));
    assert.ok(rank >= previous, `score ${score}`);
    previous = rank;
  }
  assert.equal(severityOf(0.574), 'low');
  assert.equal(severityOf(0.7), 'medium');
  assert.equal(severityOf(0.9), 'high');
  assert.equal(severityOf(0.9996), 'critical');
  assert.equal(severityOf(1), 'critical');
});

test('an event is explained by its highest-scoring alarm, so a 0.9996 alarm makes it critical even when a 0.574 one deviated more', () => {
  const point = (t: number, score: number, deviation: number): ScoredPoint => ({
    t, value: deviation, score, expected: 0, lower: -3, upper: 3, deviation, detector: 'robust-level', severity: severityOf(score),
  });
  const tracker = new EventTracker({ threshold: 0.5, mergeGapMs: 10 });
  tracker.add(point(0, 0.574, 40));
  tracker.add(point(1, 0.9996, 8));
  tracker.add(point(2, 0.9996, 9));
  const [event] = tracker.touched;
  assert.deepEqual([event!.peak.t, event!.peak.score, event!.peak.severity, event!.peak.deviation], [2, 0.9996, 'critical', 9]);
});

test('a series that rests at 0: a spike after a long calm is explained with expected 0, a band inside the range, and a bounded deviation', () => {
  const d = new UnivariateDetector();
  let t = T0;
  for (let i = 0; i < 300; i++) d.update((t += MINUTE), i === 150 ? 3 : 0); // one earlier spike sets the range to [0, 3]
  for (let i = 0; i < 2000; i++) d.update((t += MINUTE), 0); // the level decays towards 0 (0.9^2000 without the fix)
  const score = d.update((t += MINUTE), 2);
  const p = d.explain(t, 2, score);
  assert.ok(score >= 0.5, `the spike alarms (${score})`);
  assert.equal(p.expected, 0, 'expected is the series\' floor, not an exponential tail');
  assert.ok(p.lower >= 0 && p.upper <= 3, `band [${p.lower}, ${p.upper}] inside the range seen`);
  assert.ok(p.deviation > 0 && p.deviation <= 100, `deviation ${p.deviation} sigmas (at most 1/explainScaleFloor)`);
  assert.equal(p.severity, severityOf(score));
});

test('a series that was exactly flat: a small step is explained in its own scale, not as 10^11 sigmas', () => {
  const d = new UnivariateDetector();
  let t = T0;
  for (let i = 0; i < 1000; i++) d.update((t += MINUTE), 0);
  const score = d.update((t += MINUTE), 0.01);
  const p = d.explain(t, 0.01, score);
  assert.equal(p.expected, 0);
  assert.ok(Math.abs(p.deviation - 100) < 1e-9, `deviation ${p.deviation}: the step is the whole range, 100 floor sigmas`);
  assert.ok(p.lower >= 0 && p.upper <= 0.01, `band [${p.lower}, ${p.upper}]`);
});
