// A replica's share of the series on the ClickHouse anomaly store (chDB, in process) when it is
// larger than one IN list (4,000 ids): read in chunks, the answer is the same as the whole read
// filtered to the share, in series-then-time order, and the point limit counts across chunks. Once
// every series has a state, only points after the earliest scored time are read (the history is
// skipped): the answer is still each series' points after its own state, and a new series' history.
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

test('once every series has a state, new points are read after the earliest scored time only, and a new series still gets all its history', async () => {
  const db = `sextant_recent_${process.pid}`;
  const w = await openClickHouseWarehouse({
    connection: new ClickHouseConnection(chdbClient(), db),
    retentionMs: { points: 15 * DAY, '5m': 90 * DAY, '1h': 400 * DAY, '1d': 1825 * DAY },
  });
  try {
    const MIN = 60_000;
    const series = (from: number, count: number): Series[] =>
      Array.from({ length: count }, (_, i) => ({ labels: { instance: `h${from + i}` }, samples: Array.from({ length: 3 * 1440 }, (_, k) => ({ t: T0 + k * MIN, v: (from + i) * 10_000 + k })) }));
    await w.replaceWindow('t', 'd', { start: T0, end: T0 + 3 * DAY }, series(0, 5));
    const store = w.anomalies;
    const all = await store.newPoints('t', 'd', 1e6);
    const ids = [...new Set(all.seriesIds)];
    // Each series scored up to a different time (two days back for the first, an hour back for the others).
    const scoredUntil = new Map(ids.map((id, i) => [id, T0 + 3 * DAY - (i === 0 ? 2 * DAY : 60 * MIN) - MIN]));
    await store.saveRun('t', 'd', ids.map((seriesId) => ({ seriesId, scoredUntil: scoredUntil.get(seriesId)!, state: new Float64Array([1]), openEventStart: null, lastAlarm: null })), []);
    const after = (batch: typeof all, keep: (id: number, t: number) => boolean) => {
      const out = { seriesIds: [] as number[], ts: [] as number[], values: [] as number[] };
      batch.seriesIds.forEach((id, i) => {
        if (!keep(id, batch.ts[i]!)) return;
        out.seriesIds.push(id);
        out.ts.push(batch.ts[i]!);
        out.values.push(batch.values[i]!);
      });
      return out;
    };
    assert.deepEqual(await store.newPoints('t', 'd', 1e6), after(all, (id, t) => t > scoredUntil.get(id)!));
    assert.deepEqual(await store.newPoints('t', 'd', 1e6, ids.slice(1).sort((a, b) => a - b)), after(all, (id, t) => id !== ids[0] && t > scoredUntil.get(id)!));
    // A sixth series, never scored: all three days of it come back, beside the others' new points.
    await w.replaceWindow('t', 'd', { start: T0, end: T0 + 3 * DAY }, series(0, 6));
    const withNew = await w.anomalies.newPoints('t', 'd', 1e6);
    const fresh = withNew.seriesIds.filter((id) => !scoredUntil.has(id));
    assert.equal(fresh.length, 3 * 1440, 'the new series has all its points');
    assert.deepEqual(after(withNew, (id) => scoredUntil.has(id)), after(all, (id, t) => t > scoredUntil.get(id)!));
  } finally {
    await w.close();
  }
});
