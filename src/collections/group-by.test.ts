import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupBy, groupIndices } from './group-by.js';

test('groups keep every item once, in input order, under its key', () => {
  const groups = groupBy(['apple', 'avocado', 'banana', 'blueberry', 'cherry', 'apricot'], (s) => s[0]);
  assert.deepEqual([...groups], [
    ['a', ['apple', 'avocado', 'apricot']],
    ['b', ['banana', 'blueberry']],
    ['c', ['cherry']],
  ]);
  assert.equal(groupBy([], (x: number) => x).size, 0);
});

test('200,000 items in 1,000 groups: every item in its group, counts and order checked by arithmetic', () => {
  const n = 200_000;
  const groups = groupBy(Array.from({ length: n }, (_, i) => i), (i) => i % 1000);
  assert.equal(groups.size, 1000);
  for (const [key, items] of groups) {
    assert.equal(items.length, n / 1000);
    // Item k of group g is g + 1000 k: anything missing, duplicated, misplaced or reordered breaks it.
    items.forEach((item, k) => {
      if (item !== key + 1000 * k) assert.fail(`group ${key}, item ${k}: ${item}`);
    });
  }
});

test('groupIndices: the same groups as positions, 200,000 items checked by arithmetic', () => {
  const small = groupIndices(['b', 'a', 'b', 'c', 'a'], (s) => s);
  assert.deepEqual(small.keys, ['b', 'a', 'c']);
  assert.deepEqual([...small.starts], [0, 2, 4, 5]);
  assert.deepEqual([...small.indices], [0, 2, 1, 4, 3]);
  const empty = groupIndices([], (x: number) => x);
  assert.deepEqual([empty.keys, [...empty.starts], [...empty.indices]], [[], [0], []]);

  const n = 200_000;
  const { keys, starts, indices } = groupIndices(Array.from({ length: n }, (_, i) => i), (i) => `k${(i * 7) % 1000}`);
  assert.equal(keys.length, 1000);
  assert.equal(starts[1000], n);
  const seen = new Uint8Array(n);
  keys.forEach((key, g) => {
    const members = indices.subarray(starts[g]!, starts[g + 1]!);
    assert.equal(members.length, n / 1000, key);
    members.forEach((i, k) => {
      if (`k${(i * 7) % 1000}` !== key || (k > 0 && i <= members[k - 1]!) || seen[i]) assert.fail(`${key}: ${i} at ${k}`);
      seen[i] = 1;
    });
  });
  assert.equal(seen.reduce((a, b) => a + b, 0), n, 'every position once');
});
