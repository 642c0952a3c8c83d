// The ClickHouse warehouse on a cluster: two real clickhouse-server 18.16 processes, one shard each,
// tables created ON CLUSTER (through ZooKeeper), rows in each shard's local MergeTree tables and
// read and written through Distributed tables sharded by series. The whole warehouse contract runs
// on it through the first server; then a dataset of many series shows where the rows went.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BiQuery, Series } from '@sextant/core';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { assertSameFrames, clickHouseContract } from '../exporter/src/warehouse/clickhouse/testing/warehouse-contract.js';
import { startClickHouseCluster, type RunningClickHouseCluster } from './support/clickhouse-server.js';

let cluster: RunningClickHouseCluster | undefined;
const warehouses = clickHouseContract(
  async () => {
    cluster = await startClickHouseCluster();
    return { client: serverClient(cluster.urls[0]!), cluster: cluster.cluster };
  },
  async () => cluster?.dispose(),
);

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 10);
const SERIES = 200;

function manySeries(): Series[] {
  return Array.from({ length: SERIES }, (_, i) => {
    const samples = [];
    for (let t = START; t < START + 2 * HOUR; t += 60_000) samples.push({ t, v: ((t / 60_000) * (i + 3)) % 101 + i / 7 });
    return { labels: { __name__: 'requests', instance: `host-${i}:9100`, job: i % 3 === 0 ? 'db' : 'api' }, samples };
  });
}

test('each series lives on the shard its id picks, both shards hold about half, and queries answer as on DuckDB', async () => {
  const { duck, ch } = warehouses();
  for (const w of [duck, ch]) {
    await w.replaceWindow('t1', 'requests', { start: START, end: START + 2 * HOUR }, manySeries());
    await w.rollup();
  }
  const database = ch.db.database;
  const shards = cluster!.urls.map((url) => serverClient(url));
  try {
    const idsOn = async (shard: number, table: string, final = ''): Promise<Set<number>> => {
      const result = await shards[shard]!.query({
        query: `SELECT DISTINCT series_id FROM ${database}.${table}_local ${final} WHERE tenant = 't1' AND dataset = 'requests'`,
        format: 'JSONEachRow',
      });
      return new Set((await result.json<{ series_id: string }>()).map((r) => Number(r.series_id)));
    };
    const pointIds = [await idsOn(0, 'points'), await idsOn(1, 'points')];
    for (const [shard, ids] of pointIds.entries()) {
      // Each shard holds 200 x 1/2 series, give or take what a fair coin gives (5 standard deviations).
      assert.ok(ids.size > 65 && ids.size < 135, `shard ${shard + 1} holds ${ids.size} of ${SERIES} series`);
      // Distributed(..., series_id) with two shards of weight 1: shard 1 takes even ids, shard 2 odd ones.
      for (const id of ids) assert.equal(id % 2, shard, `series ${id} on shard ${shard + 1}`);
      // Its series rows and rollups sit beside its points: each shard joins its own.
      assert.deepEqual(await idsOn(shard, 'series', 'FINAL'), ids, `series rows on shard ${shard + 1}`);
      assert.deepEqual(await idsOn(shard, 'rollup_1h', 'FINAL'), ids, `hourly rollups on shard ${shard + 1}`);
    }
    assert.equal(pointIds[0]!.size + pointIds[1]!.size, SERIES);
  } finally {
    await Promise.all(shards.map((c) => c.close()));
  }
  const range = { start: START, end: START + 2 * HOUR };
  const queries: BiQuery[] = [
    { dataset: 'requests', measures: ['count', 'sum', 'p95', 'last'], groupBy: ['job'], filters: [], bucket: '5m', range },
    { dataset: 'requests', measures: ['count', 'avg', 'p99', 'max'], groupBy: ['instance'], filters: [{ label: 'job', op: '=', value: 'db' }], bucket: '1h', range },
    { dataset: 'requests', measures: ['count', 'p50', 'min'], groupBy: [], filters: [], bucket: 'raw', range: { start: START, end: START + HOUR / 2 } },
  ];
  for (const q of queries) assertSameFrames(await ch.query('t1', q), await duck.query('t1', q), `requests at ${q.bucket} by ${q.groupBy.join(',') || 'nothing'}`);
});

test('a window whose write failed half-way is written again without duplicates', async () => {
  const { ch } = warehouses();
  const shards = cluster!.urls.map((url) => serverClient(url));
  const window = { start: START, end: START + HOUR };
  const series = manySeries().map((s) => ({ ...s, samples: s.samples.filter((p) => p.t < window.end) }));
  const count = async (): Promise<number> =>
    Number((await ch.db.read(`SELECT count() AS n FROM ${ch.db.table('points')} WHERE dataset = 'halfway'`))[0]?.n);
  const onEveryShard = (statement: string): Promise<unknown> => Promise.all(shards.map((c) => c.command({ query: statement })));
  try {
    // The series rows are away: the points reach both shards, then the write fails.
    await onEveryShard(`DETACH TABLE ${ch.db.database}.series_local`);
    await assert.rejects(ch.replaceWindow('t1', 'halfway', window, series), /series_local/);
    await onEveryShard(`ATTACH TABLE ${ch.db.database}.series_local`);
    assert.equal(await count(), SERIES * 60, 'the failed attempt left its points');
    assert.equal(await ch.watermark('t1', 'halfway'), undefined, 'and no watermark');
    assert.equal(await ch.replaceWindow('t1', 'halfway', window, series), SERIES * 60);
    assert.equal(await count(), SERIES * 60, 'every point once after the retry');
    assert.equal(await ch.watermark('t1', 'halfway'), window.end);
  } finally {
    await Promise.all(shards.map((c) => c.close()));
  }
});

test('with a shard down, reads and writes fail with an error naming it, and nothing is acknowledged', async () => {
  const { ch } = warehouses();
  await cluster!.stopShard(1);
  const range = { start: START, end: START + 2 * HOUR };
  const query: BiQuery = { dataset: 'requests', measures: ['count'], groupBy: [], filters: [], bucket: '1h', range };
  await assert.rejects(ch.query('t1', query), new RegExp(`127\\.0\\.0\\.1:${cluster!.tcpPorts[1]}|Connection refused`));
  await assert.rejects(ch.replaceWindow('t1', 'requests', { start: START + 2 * HOUR, end: START + 3 * HOUR }, manySeries()));
});
