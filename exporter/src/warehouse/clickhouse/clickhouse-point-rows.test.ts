// Points as ClickHouse writes them in TabSeparated: numbers, its spellings of NaN and infinities,
// and a server error written into the body mid-stream, which must fail the read, not become points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PointBatch } from '../anomaly-store.js';
import { appendPointLines } from './clickhouse-point-rows.js';

const empty = (): PointBatch => ({ seriesIds: [], ts: [], values: [] });

test('lines become points in order, with nan, inf and -inf as IEEE specials', () => {
  const batch = empty();
  appendPointLines(batch, '42\t1764979200000\t50.25\n42\t1764979260000\t-1e-300\n-7\t1764979200000\tnan\n-7\t1764979260000\tinf\n-7\t1764979320000\t-inf\n');
  assert.deepEqual(batch, {
    seriesIds: [42, 42, -7, -7, -7],
    ts: [1764979200000, 1764979260000, 1764979200000, 1764979260000, 1764979320000],
    values: [50.25, -1e-300, NaN, Infinity, -Infinity],
  });
  appendPointLines(batch, '');
  assert.equal(batch.ts.length, 5, 'an empty piece adds nothing');
});

test('an error written into the body, a cut line or a bad number fails the read', () => {
  const cases = [
    '42\t1764979200000\t1\nCode: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded\n',
    '42\t1764979200000\t1\n42\t17649',
    '42\t1764979200000\n',
    '42\t1764979200000\t1\t2\n',
    '4.5\t1764979200000\t1\n',
    '42\t\t1\n',
    '42\t1764979200000\tone\n',
    '42\t1764979200000\t\n',
  ];
  for (const text of cases) assert.throws(() => appendPointLines(empty(), text), /ClickHouse: /, JSON.stringify(text));
});
