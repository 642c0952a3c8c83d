// A replica's share of the series on the ClickHouse anomaly store (chDB, in process) when it is
// larger than one IN list (4,000 ids): read in chunks, the answer is the same as the whole read
// filtered to the share, in series-then-time order, and the point limit counts across chunks.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Series } from '@sextant/core';
import { ClickHouseConnection } from './clickhouse-connection.js';
import { openClickHouseWarehouse, type ClickHouseWarehouse } from './clickhouse-warehouse.js';
import { chdbClient } from './testing/clients.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);
let warehouse: ClickHouseWarehouse | undefined;

after(async () => warehouse?.close());

test('a share of 6,000 of 9,000 series reads as the whole read filtered to it, across IN lists; the limit counts over the chunks', async () => {
  warehouse = await openClickHouseWarehouse({
    connection: new ClickHouseConnection(chdbClient(), `sextant_subset_${process.pid}`),
    retentionMs: { points: 15 * DAY, '5m': 90 * DAY, '1h': 400 * DAY, '1d': 1825 * DAY },
  });
  const series: Series[] = Array.from({ length: 9_000 }, (_, i) => ({ labels: { instance: `h${i}` }, samples: [{ t: T0, v: i }, { t: T0 + 60_000, v: -i }] }));
  await warehouse.replaceWindow('t', 'd', { start: T0, end: T0 + 120_000 }, series);
  const store = warehouse.anomalies;
  const all = await store.newPoints('t', 'd', 1e6);
  assert.equal(all.ts.length, 18_000);
  const ids = [...new Set(all.seriesIds)];
  const share = ids.filter((_, i) => i % 3 !== 0).sort((a, b) => a - b);
  const keep = new Set(share);
  const mine = await store.newPoints('t', 'd', 1e6, share);
  const expected = { seriesIds: [] as number[], ts: [] as number[], values: [] as number[] };
  all.seriesIds.forEach((id, i) => {
    if (!keep.has(id)) return;
    expected.seriesIds.push(id);
    expected.ts.push(all.ts[i]!);
    expected.values.push(all.values[i]!);
  });
  assert.deepEqual(mine, expected);
  const limited = await store.newPoints('t', 'd', 9_001, share);
  assert.deepEqual(limited, { seriesIds: expected.seriesIds.slice(0, 9_001), ts: expected.ts.slice(0, 9_001), values: expected.values.slice(0, 9_001) });
  await store.saveRun('t', 'd', share.map((seriesId) => ({ seriesId, scoredUntil: T0, state: new Float64Array([seriesId % 7]), openEventStart: null, lastAlarm: null })), []);
  const states = await store.states('t', 'd', share);
  assert.equal(states.size, share.length);
  assert.deepEqual((await store.newPoints('t', 'd', 1e6, share)).ts, share.map(() => T0 + 60_000), 'after the states, one new point each');
  assert.equal((await store.states('t', 'd', ids.filter((id) => !keep.has(id)))).size, 0);
});
