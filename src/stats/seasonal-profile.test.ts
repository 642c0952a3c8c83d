import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeasonalProfile } from './seasonal-profile.js';

const DAY_MS = 86_400_000;
const BUCKETS = 24;

/**
 * An hour-of-day profile fed `days` days of 0 and then one day of 1, one point every `stepMs`, each
 * standing for its step's share of an hour (as the detector feeds it); returns the profile at 12:30.
 */
function afterOneNewDay(stepMs: number, memory: number, days = 30): number {
  const profile = new SeasonalProfile(new Float64Array(SeasonalProfile.slots(BUCKETS)), 0, BUCKETS, memory);
  const share = stepMs / (DAY_MS / BUCKETS);
  for (let day = 0; day <= days; day++) {
    for (let t = 0; t < DAY_MS; t += stepMs) profile.update(t / DAY_MS, day < days ? 0 : 1, share);
  }
  return profile.at(12.5 / 24);
}

test('the seasonal memory is per visit: a new day moves an hourly bucket by about the memory, at any sampling rate', () => {
  // An exponential memory of 0.12 per visit, spread over the visit's points: 1 - e^-0.12 of the way.
  const expected = 1 - Math.exp(-0.12);
  for (const stepMs of [60_000, 300_000, 1_800_000]) {
    const moved = afterOneNewDay(stepMs, 0.12);
    assert.ok(Math.abs(moved - expected) < 0.01, `one point every ${stepMs / 60_000} min: moved ${moved.toFixed(4)}, expected ${expected.toFixed(4)}`);
  }
});

test('while warming up, a bucket is the plain mean of the visits seen', () => {
  // Two days: 0 then 1; the memory (0.12 per visit) is smaller than 1/2, so the mean rules.
  const moved = afterOneNewDay(300_000, 0.12, 1);
  assert.ok(Math.abs(moved - 0.5) < 0.01, `moved ${moved}`);
});
