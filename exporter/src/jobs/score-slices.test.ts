import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_GROUP_OPTIONS, GroupDetector, scoreAligned } from '@sextant/core/anomaly';
import { scoreAlignedInSlices, type MemberSteps } from './score-slices.js';

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

test('scoring a group in slices of time gives exactly the scores of one pass, and lets other work run between slices', async () => {
  const whole = scoreAligned(new GroupDetector(3, DEFAULT_GROUP_OPTIONS), members());
  let turns = 0;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  let running = true;
  setImmediate(tick);
  const sliced = await scoreAlignedInSlices(new GroupDetector(3, DEFAULT_GROUP_OPTIONS), members(), 3 * 60 * MIN);
  running = false;
  assert.deepEqual(sliced, whole);
  assert.ok(whole[0]!.some((p) => p.score >= 0.5), 'the spike at minute 2500 must be found, or the comparison is between two quiet runs');
  // 48 hours in 3-hour slices: the event loop got a turn after each of the 16 slices.
  assert.ok(turns >= 16, `${turns} turns`);
});
