import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapInTurns } from './event-loop.js';
import { countingTurns } from './testing/event-loop-turns.js';

test('mapInTurns maps as Array.map does, giving the event loop a turn every perTurn items', async () => {
  const items = Array.from({ length: 10_001 }, (_, i) => i);
  const { result, turns } = await countingTurns(() => mapInTurns(items, (i) => i * 3 + 1, 1_000));
  assert.deepEqual(result, items.map((i) => i * 3 + 1));
  assert.ok(turns >= 10, `${turns} turns for 10,001 items at 1,000 a turn`);
  assert.deepEqual(await mapInTurns([], (i: number) => i), []);
});
