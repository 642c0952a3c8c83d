import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonDepth } from './json-depth.js';

const depth = (text: string, limit = 1000) => jsonDepth(Buffer.from(text), limit);

test('counts the nesting of arrays and objects, not brackets inside strings', () => {
  assert.equal(depth('1'), 0);
  assert.equal(depth('{}'), 1);
  assert.equal(depth('{"a":[1,{"b":[]}],"c":{}}'), 4);
  assert.equal(depth('["[[[{{{", "\\"[[", "\\\\", [[]]]'), 3, 'escaped quotes and backslashes end or do not end the string as JSON says');
  assert.equal(depth(`${'['.repeat(500)}${']'.repeat(500)}`), 500);
  // Whatever the parser makes of the rest, the count stops once past the limit.
  assert.equal(depth('['.repeat(100_000), 32), 33);
});
