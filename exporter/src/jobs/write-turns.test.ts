import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWriteTurns, takingTurns } from './write-turns.js';

test('turns run one at a time in order of arrival, and a failed turn does not block the next', async () => {
  const turns = createWriteTurns();
  const events: string[] = [];
  const turn = (name: string, ms: number, fail = false) =>
    turns.take(async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    });
  const results = await Promise.allSettled([turn('a', 30), turn('b', 1, true), turn('c', 10)]);
  assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), ['a', 'b failed', 'c']);
});

test('a job taking turns waits for the turn in progress before each run', async () => {
  const turns = createWriteTurns();
  const events: string[] = [];
  const job = takingTurns({ name: 'ingest', intervalMs: 1000, run: async () => void events.push('ingest run') }, turns);
  const held = turns.take(async () => {
    await sleep(20);
    events.push('backfill window');
  });
  await Promise.all([job.run(new AbortController().signal), held]);
  assert.deepEqual(events, ['backfill window', 'ingest run']);
  assert.equal(job.name, 'ingest');
});
