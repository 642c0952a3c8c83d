import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BiQuery } from '@sextant/core';
import { ROWS_PER_TURN, toFrames } from './query-frames.js';
import { countingTurns } from '../testing/event-loop-turns.js';

const FIVE_MINUTES = 300_000;

test('rows become one frame per group, in slices with a turn of the event loop every ROWS_PER_TURN rows', async () => {
  // Two weeks of 5-minute rollups of 8 instances, as the recommend job reads them: 32,256 rows.
  const query: BiQuery = { dataset: 'node_cpu_utilisation_ratio', measures: ['avg'], groupBy: ['instance', 'mountpoint'], filters: [], bucket: '5m', range: { start: 0, end: 14 * 288 * FIVE_MINUTES } };
  const instances = Array.from({ length: 8 }, (_, i) => `node-${i}:9100`);
  const rows = instances.flatMap((instance, i) =>
    Array.from({ length: 14 * 288 }, (_, k) => ({ g0: instance, g1: i % 2 ? '/var' : '', time: k * FIVE_MINUTES, m_avg: i + k / 10_000, series_rows: 1 })),
  );
  const { result: frames, turns } = await countingTurns(() => toFrames(query, rows));

  assert.equal(frames.length, 8);
  frames.forEach((frame, i) => {
    const [time, avg] = frame.fields;
    // A label the series lacks ('' in the rows) is left out.
    const labels = i % 2 ? { instance: instances[i]!, mountpoint: '/var' } : { instance: instances[i]! };
    assert.deepEqual(avg!.labels, labels);
    assert.equal(time!.values.length, 14 * 288);
    assert.equal(avg!.values[100], i + 100 / 10_000);
    assert.equal(time!.values[14 * 288 - 1], (14 * 288 - 1) * FIVE_MINUTES);
  });
  assert.ok(turns >= Math.floor(rows.length / ROWS_PER_TURN), `${turns} turns for ${rows.length} rows`);
});
