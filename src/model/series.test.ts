import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesKey } from './series.js';

test('seriesKey sorts names and escapes values like the exposition format', () => {
  assert.equal(seriesKey({ job: 'a', instance: 'x"y\\z\n' }), '{instance="x\\"y\\\\z\\n",job="a"}');
  assert.equal(seriesKey({ b: '1', a: '2' }), seriesKey({ a: '2', b: '1' }));
});
