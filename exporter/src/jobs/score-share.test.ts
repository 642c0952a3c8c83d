import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shareOf } from '../replicas/share.js';
import { splitByShare } from './score-share.js';

test('two replicas split the series; a group scored together stays whole on one of them, a group too large is split by series', () => {
  const members: { seriesId: number; labels: Record<string, string> }[] = [
    ...Array.from({ length: 200 }, (_, i) => ({ seriesId: 1000 + i, labels: { series: `s${i}` } })),
    ...Array.from({ length: 3 }, (_, i) => ({ seriesId: 5000 + i, labels: { service: 'checkout', i: String(i) } })),
    ...Array.from({ length: 40 }, (_, i) => ({ seriesId: 7000 + i, labels: { service: 'big', i: String(i) } })),
  ];
  const view = ['r1', 'r2'];
  const claims = view.map((id) => ({ id, views: { score: view } }));
  const [a, b] = [splitByShare(members, shareOf('r1', 'score', view, claims), 't', 32), splitByShare(members, shareOf('r2', 'score', view, claims), 't', 32)];
  assert.equal(a.owned.length + b.owned.length, members.length, 'every series scored');
  assert.deepEqual([...a.owned, ...b.owned].map((m) => m.seriesId).sort(), members.map((m) => m.seriesId).sort(), 'none twice');
  assert.deepEqual(a.others.map((m) => m.seriesId).sort(), b.owned.map((m) => m.seriesId).sort());
  const checkout = (s: typeof a) => s.owned.filter((m) => m.labels.service === 'checkout').length;
  assert.deepEqual([checkout(a), checkout(b)].sort(), [0, 3], 'the group of 3 on one replica');
  const big = (s: typeof a) => s.owned.filter((m) => m.labels.service === 'big').length;
  assert.ok(big(a) > 5 && big(b) > 5, `the group of 40 (above maxGroupSize) split by series: ${big(a)} and ${big(b)}`);
  // Plain series by id: even ids on the first member of the view, odd on the second.
  for (const m of a.owned.filter((x) => x.labels.series)) assert.equal(m.seriesId % 2, 0);
});
