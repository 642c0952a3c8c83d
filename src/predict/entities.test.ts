import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityHistories, entityOf, replayThresholdRules } from './entities.js';

const MIN = 60_000;
const line = (values: number[]) => values.map((v, k) => ({ t: k * MIN, v }));

test('services get their own RED signals plus the CPU, memory and disk of their host', () => {
  const histories = entityHistories({
    up: [{ labels: { job: 'checkout', instance: 'node-1:8080' }, samples: line([1]) }, { labels: { job: 'node', instance: 'node-1:9100' }, samples: line([1]) }],
    node_memory_used_ratio: [{ labels: { instance: 'node-1:9100' }, samples: line([0.5, 0.6]) }],
    node_filesystem_used_ratio: [
      { labels: { instance: 'node-1:9100', mountpoint: '/' }, samples: line([0.3, 0.9]) },
      { labels: { instance: 'node-1:9100', mountpoint: '/var' }, samples: line([0.7, 0.2]) },
    ],
    http_error_ratio: [{ labels: { job: 'checkout', service: 'checkout' }, samples: line([0.01, 0.02]) }],
  });
  assert.deepEqual(histories.map((h) => h.entity), ['checkout', 'node-1']);
  const checkout = histories[0]!;
  assert.deepEqual(checkout.signals.memory, line([0.5, 0.6]));
  // Two mountpoints: the fuller one at each time.
  assert.deepEqual(checkout.signals.disk, line([0.7, 0.9]));
  assert.deepEqual(checkout.signals.errorRatio, line([0.01, 0.02]));
  assert.equal(histories[1]!.signals.errorRatio, undefined);
  assert.equal(entityOf({ job: 'node', instance: 'node-2:9100' }), 'node-2');
});

test('threshold rules replayed on history give alert periods with for: and still-firing ends', () => {
  const alerts = replayThresholdRules(
    {
      up: [{ labels: { job: 'checkout', instance: 'node-1:8080' }, samples: line([1, 0, 0, 0, 1, 0, 1, 0, 0]) }],
    },
    [{ alertname: 'ServiceDown', severity: 'critical', dataset: 'up', op: '==', threshold: 0, forMs: MIN }],
  );
  // Down at 1..3 (fires at 2, after 1 minute pending, ends at 4); the blip at 5 never fires; 7..8 fires at 8, still firing.
  assert.deepEqual(alerts.map((a) => [a.entity, a.startsAt / MIN, a.endsAt === undefined ? null : a.endsAt / MIN]), [
    ['checkout', 2, 4],
    ['checkout', 8, null],
  ]);
});
