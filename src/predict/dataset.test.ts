import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataset, splitByTime } from './dataset.js';

const MIN = 60_000;

test('windows overlapping an alert are left out, the ones before it are positive, and the split has a gap', () => {
  const memory = Array.from({ length: 48 }, (_, k) => ({ t: k * 5 * MIN, v: 0.5 }));
  const alerts = [{ entity: 'api', alertname: 'OOM', severity: 'critical', startsAt: 120 * MIN, endsAt: 140 * MIN }];
  const ds = buildDataset([{ entity: 'api', signals: { memory } }], alerts, { start: 0, end: 240 * MIN }, {
    windowMs: 30 * MIN, stepMs: 10 * MIN, horizonMs: 30 * MIN, severities: ['critical'],
  });
  // Ends 30..210 step 10; overlap with [120,140) when end >= 120 and end - 30 < 140, i.e. ends 120..160.
  assert.deepEqual(ds.rows.map((r) => r.end / MIN), [30, 40, 50, 60, 70, 80, 90, 100, 110, 170, 180, 190, 200, 210]);
  assert.deepEqual(ds.rows.filter((r) => r.label === 1).map((r) => [r.end / MIN, r.leadMs! / MIN]), [[90, 30], [100, 20], [110, 10]]);
  assert.equal(ds.matrix.rows, ds.rows.length);
  const { train, test: held } = splitByTime(ds, 170 * MIN, 30 * MIN);
  assert.ok(train.rows.every((r) => r.end < 140 * MIN));
  assert.deepEqual(held.rows.map((r) => r.end / MIN), [170, 180, 190, 200, 210]);
});
