import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownerOf, shareOf, unitKey } from './share.js';

const KEYS = Array.from({ length: 3000 }, (_, i) => unitKey(`series-${i}`));
const owners = (shares: { owns(k: number): boolean }[], key: number): number => shares.filter((s) => s.owns(key)).length;

test('hashmod: a key belongs to view[key mod N], and N agreeing members split the keys into N parts of about 1/N', () => {
  assert.equal(ownerOf(['a', 'b', 'c'], 7), 'b');
  assert.equal(ownerOf([], 7), undefined);
  const view = ['a', 'b', 'c'];
  const claims = view.map((id) => ({ id, views: { score: view } }));
  const shares = view.map((id) => shareOf(id, 'score', view, claims));
  for (const key of KEYS) assert.equal(owners(shares, key), 1, `key ${key} has one owner`);
  for (const share of shares) {
    const n = KEYS.filter((k) => share.owns(k)).length;
    assert.ok(n > 850 && n < 1150, `${n} of ${KEYS.length} keys`);
  }
});

test('a member that joins takes nothing another member still claims; once all act under the new view, every key has one owner', () => {
  const old = ['a', 'b'];
  const next = ['a', 'b', 'c'];
  // b still acts under the old view; a and c have published the new one.
  const claims = [{ id: 'a', views: { score: next } }, { id: 'b', views: { score: old } }, { id: 'c', views: { score: next } }];
  const during = [shareOf('a', 'score', next, claims), shareOf('b', 'score', old, [{ id: 'a', views: { score: old } }]), shareOf('c', 'score', next, claims)];
  let waiting = 0;
  for (const key of KEYS) {
    assert.ok(owners(during, key) <= 1, `key ${key} is never worked on by two members`);
    if (owners(during, key) === 0) waiting++;
  }
  assert.ok(waiting > 0, 'the keys moving from b wait for b to let go');
  const settled = next.map((id) => ({ id, views: { score: next } }));
  const after = next.map((id) => shareOf(id, 'score', next, settled));
  for (const key of KEYS) assert.equal(owners(after, key), 1);
});

test('roles are claimed apart: a claim for ingest says nothing about scoring', () => {
  const share = shareOf('a', 'score', ['a'], [{ id: 'b', views: { ingest: ['a', 'b'] } }]);
  assert.ok(KEYS.every((k) => share.owns(k)));
});
