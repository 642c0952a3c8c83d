import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommitMemo } from './commit-memo.js';

/** A read that counts its calls and answers the value it is told to. */
function counted(value: () => number) {
  const read = async () => {
    read.calls += 1;
    return value();
  };
  read.calls = 0;
  return read;
}

test('an answer is read once until a change; answers asked for since the previous change are read again at once, the others when next asked', async () => {
  const memo = new CommitMemo();
  let stored = 1;
  const a = counted(() => stored);
  const b = counted(() => stored * 10);
  assert.equal(await memo.get('a', a), 1);
  assert.equal(await memo.get('b', b), 10);
  assert.equal(await memo.get('a', a), 1);
  assert.deepEqual([a.calls, b.calls], [1, 1]);

  stored = 2;
  memo.changed();
  assert.deepEqual([a.calls, b.calls], [2, 2], 'both were asked for: both read again at the change');
  assert.equal(await memo.get('a', a), 2);
  assert.deepEqual([a.calls, b.calls], [2, 2]);

  stored = 3;
  memo.changed();
  assert.deepEqual([a.calls, b.calls], [3, 2], 'only a was asked for since the last change');
  assert.equal(await memo.get('b', b), 30);
  assert.equal(await memo.get('a', a), 3);
  assert.deepEqual([a.calls, b.calls], [3, 3]);
});

test('a read in flight at a change is not handed to calls after it', async () => {
  const memo = new CommitMemo();
  let release!: () => void;
  const slow = new Promise<void>((resolve) => (release = resolve));
  let stored = 'before';
  const first = memo.get('k', async () => {
    const seen = stored;
    await slow;
    return seen;
  });
  stored = 'after';
  memo.changed();
  const second = memo.get('k', async () => stored);
  release();
  assert.equal(await first, 'before');
  assert.equal(await second, 'after');
});

test('a failed read is not kept, and at most maxAnswers answers are (the oldest goes first)', async () => {
  const memo = new CommitMemo(2);
  await assert.rejects(memo.get('x', () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await memo.get('x', async () => 'read again'), 'read again');
  const bounded = new CommitMemo(2);
  const reads = ['x', 'y', 'z'].map((key) => counted(() => key.charCodeAt(0)));
  for (const [i, key] of ['x', 'y', 'z'].entries()) await bounded.get(key, reads[i]!);
  await bounded.get('z', reads[2]!);
  await bounded.get('y', reads[1]!);
  assert.equal(await bounded.get('x', reads[0]!), 'x'.charCodeAt(0));
  assert.deepEqual(reads.map((r) => r.calls), [2, 1, 1], 'x went when z came, and was read again');
});
