// The bad explanations issue 15 names: severity that contradicts the score (0.574 critical, 0.9996
// high, 1.00 low), an expected value of 1.9e-82 and a deviation of 1e11 sigmas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventTracker } from './events.js';
import { seededRandom } from '../stats/random.js';
import { describeExplanation, formatValue, type ScoredPoint } from './explanation.js';
import { DEFAULT_GROUP_OPTIONS, GroupDetector } from './group.js';
import { severityOf, severityRank } from './severity.js';
import { DEFAULT_UNIVARIATE_OPTIONS, UnivariateDetector } from './univariate.js';

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

// Each detector's explanation says what it found, with numbers checked against the data fed in.

test('out-of-range is explained by the range seen before the value', () => {
  const random = seededRandom(3);
  const d = new UnivariateDetector();
  const values = Array.from({ length: 500 }, () => 10 + random());
  let t = T0;
  for (const v of values) d.update((t += MINUTE), v);
  const p = d.explain((t += MINUTE), 20, d.update(t, 20));
  assert.equal(p.detector, 'out-of-range');
  assert.deepEqual(p.evidence, { seenLow: Math.min(...values), seenHigh: Math.max(...values) });
  assert.match(describeExplanation(p), /^out-of-range: 20 is beyond the range seen so far, 10(\.\d+)? – 10\.9\d*; /);
});

test('a level shift is explained by the level before and after it', () => {
  const random = seededRandom(4);
  const d = new UnivariateDetector();
  let t = T0;
  let shift: ScoredPoint | undefined;
  for (let i = 0; i < 600 && !shift; i++) {
    const v = 10 + random() + (i >= 500 ? 30 : 0);
    const p = d.explain((t += MINUTE), v, d.update(t, v));
    if (p.detector === 'level-shift') shift = p;
  }
  assert.ok(shift, 'the step is a level shift');
  const { levelFrom, levelTo } = shift.evidence!;
  // The level before has crept up by clipped steps while the run of high values lasted, far below the new one.
  assert.ok(levelFrom! > 10 && levelFrom! < 13, `from ${levelFrom}: the level of values in [10, 11)`);
  assert.ok(levelTo! > 39 && levelTo! < 41, `to ${levelTo}: the level of values in [40, 41)`);
  assert.match(describeExplanation(shift), /^level-shift: the level moved from 1\d\.\d+ to 4\d\.\d+ \(\+\d\d\.\d+\)/);
});

test('a drift (a slow leak) is explained by its mean departure, not by the point that is near its expected value', () => {
  const random = seededRandom(13);
  const g = new GroupDetector(3);
  const slope = 0.05;
  let alarm: { i: number; p: ScoredPoint } | undefined;
  for (let i = 0; i < 3000 && !alarm; i++) {
    // Member 1 leaks from 2300: it climbs 0.05 a point, against noise uniform in [0, 1).
    const p = g.update(T0 + i * MINUTE, [10 + random(), 20 + random() + (i >= 2300 ? slope * (i - 2300) : 0), 30 + random()])[1]!;
    if (p.detector === 'drift' && p.severity !== 'low' && p.severity !== 'medium') alarm = { i, p };
  }
  assert.ok(alarm, 'the leak raises a high or critical drift alarm');
  const { p, i } = alarm;
  const e = p.evidence!;
  // The point alone says less than the mean departure: near its band (the expected value is the
  // seasonal baseline, which follows a leak more slowly than the local level), far from what a
  // single value needs to be trusted alone (`range.minDeviation`).
  assert.ok(Math.abs(p.deviation) < Math.min(e.driftSigmas!, DEFAULT_UNIVARIATE_OPTIONS.range.minDeviation), `the point alone (${p.deviation} σ) says less than the drift (${e.driftSigmas} σ)`);
  // The mean departure is upwards and no more than the leak's climb so far, in the series' units.
  assert.ok(e.driftMean! > 0 && e.driftMean! <= slope * (i - 2300), `mean departure ${e.driftMean} after a climb of ${slope * (i - 2300)}`);
  assert.ok(e.driftSigmas! >= 3, `${e.driftSigmas} σ for such a mean`);
  assert.deepEqual([e.driftPoints, e.driftMs], [50, 50 * MINUTE]);
  assert.match(describeExplanation(p), /^drift: over about the last 50 min \(50 points\) the values ran on average \+0\.\d+ above their expected value, \d+\.\d σ for such a mean/);
});

test("a group member's held alarm, served once it persisted, is explained by that alarm and its persistence", () => {
  const random = seededRandom(11);
  const g = new GroupDetector(3);
  const { level, persistPoints, persistSigmas } = DEFAULT_GROUP_OPTIONS.trust;
  const points: ScoredPoint[] = [];
  let restored: GroupDetector | undefined;
  let fromRestored: ScoredPoint | undefined;
  for (let i = 0; i < 2400; i++) {
    // Member 1 steps up by 30 at 2300 for 40 points (it had such a value once, at 100, so it is within the range seen).
    const row = [10 + random(), 20 + random() + (i === 100 || (i >= 2300 && i < 2340) ? 30 : 0), 30 + random()];
    if (i === 2305) restored = new GroupDetector(3, DEFAULT_GROUP_OPTIONS, g.save()); // a restart while the alarm is held
    if (restored && i <= 2300 + persistPoints) fromRestored = restored.update(T0 + i * MINUTE, row)[1];
    points.push(g.update(T0 + i * MINUTE, row)[1]!);
  }
  const served = points[2300 + persistPoints]!;
  assert.ok(served.score >= level, `served ${served.score}`);
  const q = served.evidence!.persisted!;
  assert.equal(q.t, T0 + 2300 * MINUTE, 'the alarm served is the step');
  assert.ok(q.value! >= 50 && q.value! < 51 && q.deviation! > persistSigmas, `the step: ${q.value}, ${q.deviation} σ`);
  assert.deepEqual([q.of, q.sigmas], [persistPoints, persistSigmas]);
  assert.ok(q.large >= DEFAULT_GROUP_OPTIONS.trust.persistShare * persistPoints && q.large <= persistPoints, `${q.large} points stayed far off`);
  assert.deepEqual(fromRestored, served, 'a group restored while the alarm was held explains it the same');
  assert.match(describeExplanation(served), /^persistent departure: the \S+ alarm at 2026-01-02T1\d:\d\d:00\.000Z \(5\d\.\d+, \d+\.\d σ above the expected 2\d\.\d+\), and \d+ of the next 10 points stayed at least 5 σ from their expected values; now /);
  // A stored event is explained by the alarm itself (the service's eventRow): no "now", the alarm's band instead.
  const asStored = { ...served, value: q.value!, expected: q.expected!, lower: q.lower!, upper: q.upper!, deviation: q.deviation!, detector: q.detector! };
  const text = describeExplanation(asStored);
  assert.ok(!text.includes('now'), text);
  assert.ok(text.endsWith(`from their expected values; the alarm's band ${formatValue(q.lower!)} – ${formatValue(q.upper!)}`), text);
});

test("an isolation-forest alarm names the members that deviate most at that step, this one among them", () => {
  const random = seededRandom(5);
  const g = new GroupDetector(2);
  const fromForest: ScoredPoint[][] = [];
  for (let i = 0; i < 1815; i++) {
    const load = 50 + 20 * Math.sin(i / 37) + random() * 2;
    // latency follows load, and stops following at 1800 (both stay in their ranges)
    const latency = i >= 1800 && i < 1810 ? 30 + random() : load * 0.5 + random();
    const points = g.update(T0 + i * MINUTE, [load, latency]);
    if (points.some((p) => p.detector === 'isolation-forest')) fromForest.push(points);
  }
  assert.ok(fromForest.length > 0, 'the forest speaks');
  for (const points of fromForest) {
    for (const [i, p] of points.entries()) {
      if (p.detector !== 'isolation-forest') continue;
      const members = p.evidence!.members!;
      assert.ok(members.some((m) => m.index === i && m.deviation === p.deviation), `member ${i} is named with its deviation`);
      for (const m of members) assert.equal(m.deviation, points[m.index]!.deviation);
      assert.ok(members.every((m, k) => k === 0 || Math.abs(members[k - 1]!.deviation) >= Math.abs(m.deviation)), 'most deviant first');
      assert.match(describeExplanation(p), /^isolation-forest: an unusual combination of the group's members, most deviant member \d [+−]\d+\.\d σ/);
    }
  }
});

test('an event read back without its evidence still says what its detector found before the point', () => {
  const stored = { value: 0.41, expected: 0.4, lower: 0.3, upper: 0.5, deviation: 0.2 };
  assert.match(describeExplanation({ ...stored, detector: 'drift' }), /^drift: a slow departure, .*; 0\.41 is 0\.2 σ above the expected 0\.4 \(band 0\.3 – 0\.5\)$/);
  assert.match(describeExplanation({ ...stored, detector: 'isolation-forest' }), /^isolation-forest: an unusual combination of the group's members; /);
  assert.match(describeExplanation({ ...stored, detector: 'level-shift' }), /^level-shift: the level moved and stayed; /);
});

test("a group's corroborated alarm keeps its detector's words and names the members alarming together; the words before them are the detector's own", () => {
  const p: ScoredPoint = {
    t: T0,
    value: 12,
    score: 0.99,
    expected: 10,
    lower: 9,
    upper: 11,
    deviation: 6,
    detector: 'robust-level',
    severity: 'critical',
    evidence: { members: [{ index: 2, deviation: -20.04, name: 'disk{mountpoint="/var"}' }, { index: 0, deviation: 6, name: 'disk{mountpoint="/"}' }] },
  };
  const point = '12 is 6.0 σ above the expected 10 (band 9 – 11)';
  assert.equal(
    describeExplanation(p),
    `robust-level: far from the recent level; alarming together with the group's members, most deviant disk{mountpoint="/var"} −20.0 σ, disk{mountpoint="/"} +6.0 σ; this series: ${point}`
  );
  // What the page shows beside the listed members: the same words without them.
  assert.equal(describeExplanation({ ...p, evidence: undefined }), `robust-level: far from the recent level; ${point}`);
  // A level shift keeps what it found.
  const shift = { ...p, detector: 'level-shift' as const, evidence: { ...p.evidence, levelFrom: 10, levelTo: 12 } };
  assert.match(describeExplanation(shift), /^level-shift: the level moved from 10 to 12 \(\+2\); alarming together with the group's members, most deviant /);
});
