import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachInTurns } from './event-loop.js';
import { countingTurns } from './testing/event-loop-turns.js';

test('forEachInTurns calls fn for every index in order, giving the event loop a turn every perTurn calls', async () => {
  const seen: number[] = [];
  const { turns } = await countingTurns(() => forEachInTurns(10_001, (i) => seen.push(i), 1_000));
  assert.deepEqual(seen, Array.from({ length: 10_001 }, (_, i) => i));
  assert.ok(turns >= 10, `${turns} turns for 10,001 calls at 1,000 a turn`);
  await forEachInTurns(0, () => assert.fail('called for nothing'));
});
