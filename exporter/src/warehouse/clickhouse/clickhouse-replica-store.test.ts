// The replicas' membership table on ClickHouse (chDB, in process): rows replaced per replica id,
// claims read back as written, and the membership protocol on it: two replicas split the keys, and
// a dead one's share moves to the other after the lease.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createLogger } from '../../log.js';
import { Membership } from '../../replicas/membership.js';
import { unitKey } from '../../replicas/share.js';
import { ClickHouseConnection } from './clickhouse-connection.js';
import { openClickHouseWarehouse, type ClickHouseWarehouse } from './clickhouse-warehouse.js';
import { chdbClient } from './testing/clients.js';

const DAY = 86_400_000;
let warehouse: ClickHouseWarehouse | undefined;

after(async () => warehouse?.close());

test('membership rows on ClickHouse: one per replica, its latest claims; two replicas split the keys and a dead one\'s share moves on', async () => {
  const clock = { now: Date.UTC(2026, 11, 6) };
  warehouse = await openClickHouseWarehouse({
    connection: new ClickHouseConnection(chdbClient(), `sextant_replicas_${process.pid}`),
    retentionMs: { points: 15 * DAY, '5m': 90 * DAY, '1h': 400 * DAY, '1d': 1825 * DAY },
    now: () => clock.now,
  });
  const store = warehouse.replicas;
  await store.beat({ id: 'r1', instance: 'i1', heartbeat: clock.now - 5, views: { score: ['r1'] } });
  await store.beat({ id: 'r1', instance: 'i1', heartbeat: clock.now, views: { score: ['r1', 'r2'], ingest: ['r1'] } });
  assert.deepEqual(await store.rows(), [{ id: 'r1', instance: 'i1', heartbeat: clock.now, views: { ingest: ['r1'], score: ['r1', 'r2'] } }]);

  const log = createLogger('error');
  const member = (id: string) => new Membership({ store, id, heartbeatMs: 1_000, leaseMs: 3_000, now: () => clock.now, log });
  clock.now += 10_000; // the rows above are past their lease
  const [r1, r2] = [member('r1'), member('r2')];
  await r1.claim('score');
  await r2.claim('score');
  const s1 = await r1.claim('score');
  const s2 = await r2.claim('score');
  const keys = Array.from({ length: 400 }, (_, i) => unitKey(`k${i}`));
  for (const k of keys) assert.equal(Number(s1.owns(k)) + Number(s2.owns(k)), 1, `key ${k}: one owner`);
  clock.now += 3_000; // r2 writes nothing more
  await r1.beat();
  const alone = await r1.claim('score');
  assert.deepEqual(alone.view, ['r1']);
  assert.ok(keys.every((k) => alone.owns(k)));
});
