import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_EVENT_OPTIONS, EventTracker, type OpenEvent } from './events.js';
import type { ScoredPoint } from './explanation.js';
import { DEFAULT_GROUP_OPTIONS, GroupDetector } from './group.js';
import { scoreGroupRun, scoreSeriesRun, type GroupRun, type RunSeries } from './scoring-run.js';
import { scoreAligned } from './series-group.js';
import { UnivariateDetector } from './univariate.js';

const MIN = 60_000;
const NAMES = ['requests', 'errors', 'latency'];
/** Where all three members depart together, far: a broad departure the group alarms on. */
const INCIDENT = 2500;

/** Three members over two days: one every minute, one every 5 minutes with a gap, one starting late. */
function members(): { ts: number[]; values: number[] }[] {
  const wave = (k: number, phase: number) => 10 + Math.sin(k / 90 + phase) + 0.1 * Math.sin(k * 7.3 + phase) + (k >= INCIDENT && k < INCIDENT + 5 ? 8 : 0);
  const every = (stepMin: number, from: number, to: number, phase: number, skip = (_k: number) => false) => {
    const ts: number[] = [];
    const values: number[] = [];
    for (let k = from; k < to; k += stepMin) {
      if (skip(k)) continue;
      ts.push(k * MIN);
      values.push(wave(k, phase));
    }
    return { ts, values };
  };
  return [every(1, 0, 2880, 0), every(5, 0, 2880, 1, (k) => k > 1000 && k < 1300), every(1, 600, 2880, 2)];
}

/** The members' points from `from` (inclusive) to `to` (exclusive), as a run takes them. */
function runMembers(from: number, to: number, carried: { state?: Float64Array; open?: OpenEvent }[] = []): GroupRun['members'] {
  return members().map((m, i) => {
    const keep = m.ts.flatMap((t, k) => (t >= from && t < to ? [k] : []));
    return { ...carried[i], ts: Float64Array.from(keep, (k) => m.ts[k]!), values: Float64Array.from(keep, (k) => m.values[k]!), name: NAMES[i]! };
  });
}

/** Events as comparable text: start, end, and the peak's time, score and detector. */
const eventsText = (events: readonly OpenEvent[]) => events.map((e) => `${e.start}-${e.end} ${e.peak.t} ${e.peak.score} ${e.peak.detector}`);

test("a group's run answers what scoring its steps in this thread does: each member's points, events, last point and state, and the group's state", () => {
  const detector = new GroupDetector(3, DEFAULT_GROUP_OPTIONS);
  const scored = scoreAligned(detector, members());
  const outcome = scoreGroupRun({ members: runMembers(0, Infinity), end: Infinity }, DEFAULT_EVENT_OPTIONS);
  scored.forEach((points, i) => {
    const tracker = new EventTracker(DEFAULT_EVENT_OPTIONS);
    points.forEach((p) => tracker.add(p));
    const o = outcome.members[i]!;
    assert.equal(o.points, points.length);
    assert.deepEqual(o.state, detector.detectors[i]!.state);
    assert.deepEqual(eventsText(o.touched), eventsText(tracker.touched));
    assert.equal(o.last.t, points[points.length - 1]!.t);
    assert.equal(o.last.score, points[points.length - 1]!.score);
  });
  assert.deepEqual(outcome.group, { state: detector.save().group, scoredUntil: 2879 * MIN });
  // The incident is found.
  const incident = outcome.members.flatMap((o) => o!.touched).filter((e) => e.start >= INCIDENT * MIN && e.start < (INCIDENT + 5) * MIN);
  assert.ok(incident.length > 0, `no event at the incident: ${JSON.stringify(outcome.members.map((o) => eventsText(o!.touched)))}`);
});

test('a group continued from the states of an earlier run ends where one run over everything ends', () => {
  const whole = scoreGroupRun({ members: runMembers(0, Infinity), end: Infinity }, DEFAULT_EVENT_OPTIONS);
  const split = INCIDENT * MIN + 2 * MIN; // inside the incident: its events are carried over open
  const first = scoreGroupRun({ members: runMembers(0, split), end: Infinity }, DEFAULT_EVENT_OPTIONS);
  assert.ok(first.members.some((o) => o?.open), 'the split must fall inside an open event, or carrying it over is not tested');
  const second = scoreGroupRun(
    { members: runMembers(split, Infinity, first.members.map((o) => ({ state: o!.state, open: o!.open }))), group: first.group, end: Infinity },
    DEFAULT_EVENT_OPTIONS,
  );
  whole.members.forEach((o, i) => {
    assert.deepEqual(second.members[i]!.state, o!.state);
    assert.equal(first.members[i]!.points + second.members[i]!.points, o!.points);
    // The second run's events continue the first's: together, each event once in its latest form.
    const latest = new Map<number, OpenEvent>();
    for (const e of [...first.members[i]!.touched, ...second.members[i]!.touched]) latest.set(e.start, e);
    assert.deepEqual(eventsText([...latest.values()]), eventsText(o!.touched));
  });
  assert.deepEqual(second.group, whole.group);
});

test("a group's steps after `end` wait for the next run, and points at or before its last step are scored by their own detector", () => {
  const end = 1000 * MIN;
  const cut = scoreGroupRun({ members: runMembers(0, Infinity), end }, DEFAULT_EVENT_OPTIONS);
  assert.equal(cut.group!.scoredUntil, end);
  assert.deepEqual(cut.members.map((o) => o?.points), [1001, 201, 401]);
  // The next run brings a late point of the first member (minute 900, before the group's last step).
  const carried = cut.members.map((o) => ({ state: o!.state }));
  const late: RunSeries & { name: string } = { ...carried[0], ts: Float64Array.of(900 * MIN), values: Float64Array.of(42), name: NAMES[0]! };
  const next = scoreGroupRun({ members: [late, ...runMembers(1001 * MIN, 1002 * MIN, carried).slice(1)], group: cut.group, end: Infinity }, DEFAULT_EVENT_OPTIONS);
  const own = UnivariateDetector.restore(cut.members[0]!.state);
  const expected = own.explain(900 * MIN, 42, own.update(900 * MIN, 42));
  assert.equal(next.members[0]!.last.score, expected.score);
  assert.deepEqual(next.members[0]!.state, own.state);
  assert.equal(next.group!.scoredUntil, 1001 * MIN);
});

test('series alone: each scored by its own detector from its saved state, its open event continued', () => {
  const [m] = members();
  const detector = new UnivariateDetector();
  const tracker = new EventTracker(DEFAULT_EVENT_OPTIONS);
  let last: ScoredPoint | undefined;
  m!.ts.forEach((t, k) => tracker.add((last = detector.explain(t, m!.values[k]!, detector.update(t, m!.values[k]!)))));
  assert.ok(tracker.touched.length > 0, 'the series must raise an event, or the comparison is between two quiet runs');
  const half = INCIDENT + 2;
  const part = (from: number, to: number) => ({ ts: Float64Array.from(m!.ts.slice(from, to)), values: Float64Array.from(m!.values.slice(from, to)) });
  const [first] = scoreSeriesRun([part(0, half)], DEFAULT_EVENT_OPTIONS);
  const [second, empty] = scoreSeriesRun([{ ...part(half, m!.ts.length), state: first!.state, open: first!.open }, part(0, 0)], DEFAULT_EVENT_OPTIONS);
  assert.equal(empty, undefined);
  assert.deepEqual(second!.state, detector.state);
  assert.equal(second!.last.score, last!.score);
  assert.deepEqual(second!.open && eventsText([second!.open]), tracker.open && eventsText([tracker.open]));
  const latest = new Map<number, OpenEvent>();
  for (const e of [...first!.touched, ...second!.touched]) latest.set(e.start, e);
  assert.deepEqual(eventsText([...latest.values()]), eventsText(tracker.touched));
});
