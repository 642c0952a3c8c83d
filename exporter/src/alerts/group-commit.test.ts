import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroupCommit } from './group-commit.js';

test('submissions that arrive during a commit share the next one, which starts as soon as it ends', async () => {
  const flushes: number[][] = [];
  let release!: () => void;
  const group = createGroupCommit<number>(async (items) => {
    flushes.push(items);
    if (flushes.length === 1) await new Promise<void>((r) => (release = r));
  });
  const first = group.submit([1]);
  const rest = [group.submit([2, 3]), group.submit([4])];
  await Promise.resolve();
  assert.deepEqual(flushes, [[1]], 'the others wait for the commit in flight');
  release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(flushes, [[1], [2, 3, 4]]);
});

test('a failing group is retried submission by submission: only the bad one fails', async () => {
  const committed: string[][] = [];
  let release!: () => void;
  const group = createGroupCommit<string>(async (items) => {
    if (committed.length === 0 && items[0] === 'first') {
      committed.push(items);
      await new Promise<void>((r) => (release = r));
      return;
    }
    if (items.includes('bad')) throw new Error('cannot write bad');
    committed.push(items);
  });
  const first = group.submit(['first']);
  const good = group.submit(['a', 'b']);
  const bad = group.submit(['bad']);
  const alsoGood = group.submit(['c']);
  release();
  await first;
  await good;
  await assert.rejects(bad, /cannot write bad/);
  await alsoGood;
  assert.deepEqual(committed, [['first'], ['a', 'b'], ['c']]);
});
