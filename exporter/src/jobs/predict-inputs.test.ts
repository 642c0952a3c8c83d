import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REPLAYED_RULES, demoInputs, replayThresholdRules } from '@sextant/core/predict';
import { replayAlertPeriods, SAMPLES_PER_TURN } from './predict-inputs.js';
import { countingTurns } from '../testing/event-loop-turns.js';

const DAY = 86_400_000;

test('the replayed alert history is that of the core in one pass over the range, with turns of the event loop while it replays', async () => {
  const range = { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 16) };
  const { series } = demoInputs(1, range);
  const within = { start: range.start + 2 * DAY, end: range.end - DAY };
  const expected = replayThresholdRules(series, DEFAULT_REPLAYED_RULES).filter((a) => a.startsAt < within.end && (a.endsAt ?? Infinity) > within.start);
  const replayedSamples = DEFAULT_REPLAYED_RULES.flatMap((r) => series[r.dataset] ?? []).reduce((n, s) => n + s.samples.length, 0);
  const { result: periods, turns } = await countingTurns(() => replayAlertPeriods(within, series));
  assert.deepEqual(periods, expected);
  assert.ok(expected.length > 0, 'the demo fires some of the reference rules, or the comparison is between two empty lists');
  // A turn at least every 2 x SAMPLES_PER_TURN samples (a series is replayed whole).
  assert.ok(turns >= Math.floor(replayedSamples / (2 * SAMPLES_PER_TURN)) && turns >= 2, `${turns} turns for ${replayedSamples} samples`);
});
