import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupDetector } from './group.js';
import { scoreAligned, seriesGroupOf } from './series-group.js';

test('a series is grouped by its service, else its job, else its host, else not at all', () => {
  assert.equal(seriesGroupOf({ service: 'checkout', job: 'api', instance: 'a:1' }), 'service:checkout');
  assert.equal(seriesGroupOf({ job: 'checkout', instance: 'a:1' }), 'service:checkout');
  assert.equal(seriesGroupOf({ instance: 'node-1:9100', mountpoint: '/' }), 'host:node-1:9100');
  assert.equal(seriesGroupOf({ job: '', instance: 'node-1:9100' }), 'host:node-1:9100');
  assert.equal(seriesGroupOf({ mountpoint: '/' }), undefined);
});

test('members are stepped on the union of their timestamps, each scored at its own points, as the group detector scores them', () => {
  const a = { ts: [0, 60_000, 120_000, 180_000], values: [1, 2, 3, 4] };
  const b = { ts: [60_000, 180_000, 240_000], values: [10, 20, 30] };
  const scored = scoreAligned(new GroupDetector(2), [a, b]);
  assert.deepEqual(scored[0]!.map((p) => [p.t, p.value]), [[0, 1], [60_000, 2], [120_000, 3], [180_000, 4]]);
  assert.deepEqual(scored[1]!.map((p) => [p.t, p.value]), [[60_000, 10], [180_000, 20], [240_000, 30]]);
  // The same as feeding the detector by hand, with NaN where a member has no point.
  const byHand = new GroupDetector(2);
  const steps: [number, number, number][] = [[0, 1, NaN], [60_000, 2, 10], [120_000, 3, NaN], [180_000, 4, 20], [240_000, NaN, 30]];
  const expected = steps.map(([t, x, y]) => byHand.update(t, [x, y]));
  assert.deepEqual(scored[0]!.map((p) => p.score), [0, 1, 2, 3].map((k) => expected[k]![0]!.score));
  assert.deepEqual(scored[1]!.map((p) => p.score), [1, 3, 4].map((k) => expected[k]![1]!.score));
  assert.throws(() => scoreAligned(new GroupDetector(3), [a, b]), /3 series got 2/);
});
