import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_GROUP_OPTIONS, GroupDetector, scoreAligned, UnivariateDetector } from '@sextant/core/anomaly';
import { POINTS_PER_SLICE, scoreAlignedInSlices, scoreAloneInSlices, type MemberSteps } from './score-slices.js';
import { countingTurns } from '../testing/event-loop-turns.js';

const MIN = 60_000;

/** Three members over two days: one every minute, one every 5 minutes with a gap, one starting late. */
function members(): MemberSteps[] {
  const wave = (k: number, phase: number) => 10 + Math.sin(k / 90 + phase) + 0.1 * Math.sin(k * 7.3 + phase) + (k === 2500 ? 8 : 0);
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

test('scoring a group in slices gives exactly the scores of one pass, and lets other work run between slices', async () => {
  const whole = scoreAligned(new GroupDetector(3, DEFAULT_GROUP_OPTIONS), members());
  const { result: sliced, turns } = await countingTurns(() => scoreAlignedInSlices(new GroupDetector(3, DEFAULT_GROUP_OPTIONS), members(), 500));
  assert.deepEqual(sliced, whole);
  assert.ok(whole[0]!.some((p) => p.score >= 0.5), 'the spike at minute 2500 must be found, or the comparison is between two quiet runs');
  // 7,500 points in slices of at most 500: the event loop got a turn after each of the 15 or more slices.
  const points = members().reduce((n, m) => n + m.ts.length, 0);
  assert.ok(turns >= Math.floor(points / 500), `${turns} turns for ${points} points`);
});

/** A group detector that counts the steps it scores. */
class CountingDetector extends GroupDetector {
  steps = 0;
  override update(t: number, values: ArrayLike<number>) {
    this.steps++;
    return super.update(t, values);
  }
}

test('a wide group with dense steps gets a turn of the event loop every POINTS_PER_SLICE points, however little time they span', async () => {
  // 40 members, a point every second for an hour: 144,000 points in one hour (one slice of time before).
  const size = 40;
  const wide: MemberSteps[] = Array.from({ length: size }, (_, i) => {
    const ts = Array.from({ length: 3600 }, (_, k) => k * 1000);
    return { ts, values: ts.map((_, k) => 5 + Math.sin(k / 300 + i) + (i === 7 && k === 3000 ? 20 : 0)) };
  });
  const detector = new CountingDetector(size, DEFAULT_GROUP_OPTIONS);
  const stepsPerTurn: number[] = [];
  let counted = 0;
  let running = true;
  const tick = () => {
    stepsPerTurn.push(detector.steps - counted);
    counted = detector.steps;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const sliced = await scoreAlignedInSlices(detector, wide);
  running = false;
  assert.deepEqual(sliced, scoreAligned(new GroupDetector(size, DEFAULT_GROUP_OPTIONS), wide));
  assert.equal(detector.steps, 3600);
  // Whole steps of 40 points, at most POINTS_PER_SLICE points between two turns.
  const most = Math.max(...stepsPerTurn);
  assert.ok(most * size <= POINTS_PER_SLICE, `${most} steps (${most * size} points) scored without a turn of the event loop`);
  assert.ok(stepsPerTurn.filter((n) => n > 0).length >= Math.floor((3600 * size) / POINTS_PER_SLICE), `${stepsPerTurn.length} turns`);
});

test('a series scored alone gets the scores of one pass, with a turn of the event loop every POINTS_PER_SLICE points', async () => {
  // Two weeks of 15 s steps: a first run of one series is 80,640 points (one task before).
  const series = (() => {
    const ts = Array.from({ length: 80_640 }, (_, k) => k * 15_000);
    return { ts, values: ts.map((_, k) => 10 + Math.sin(k / 240) + (k === 70_000 ? 9 : 0)) };
  })();
  const detector = new UnivariateDetector();
  const one = new UnivariateDetector();
  const whole = series.ts.map((t, k) => one.explain(t, series.values[k]!, one.update(t, series.values[k]!)));
  const { result: sliced, turns } = await countingTurns(() => scoreAloneInSlices(detector, series));
  assert.deepEqual(sliced, whole);
  assert.ok(whole.some((p) => p.score >= 0.5), 'the spike must be found, or the comparison is between two quiet runs');
  assert.ok(turns >= Math.floor(series.ts.length / POINTS_PER_SLICE), `${turns} turns for ${series.ts.length} points`);
});
