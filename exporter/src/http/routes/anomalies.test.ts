import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../log.js';
import type { AnomalyEvent } from '../../warehouse/anomaly-store.js';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { testApiDeps } from '../testing/api-deps.js';
import { listenApi } from '../testing/listen.js';
import { apiRouters } from './index.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 0, 5);
const tokens = [
  { name: 'a', token: 'token-of-tenant-a-0001', tenant: 'a', role: 'viewer' as const },
  { name: 'b', token: 'token-of-tenant-b-0002', tenant: 'b', role: 'viewer' as const },
];
let warehouse: DuckDbWarehouse;
let server: Awaited<ReturnType<typeof listenApi>>;
let closeDeps: () => Promise<void>;

/** Writes one series with one point and stores an event on it. */
async function seed(tenant: string, job: string, start: number, score: number, severity: string): Promise<void> {
  await warehouse.replaceWindow(tenant, 'latency', { start, end: start + 60_000 }, [{ labels: { job }, samples: [{ t: start, v: 1 }] }]);
  const [row] = await warehouse.handle.read(`SELECT series_id FROM series WHERE tenant = $1 AND map_extract_value(labels, 'job') = $2`, [tenant, job]);
  const seriesId = Number(row!.series_id);
  const event: AnomalyEvent = {
    tenant, dataset: 'latency', seriesId, labels: { job }, start, end: start + 600_000, peakScore: score, peakAt: start,
    explainedAt: start, explainedScore: score, severity, detector: 'robust-level', value: 9, expected: 1, lower: 0, upper: 2, deviation: 8,
  };
  await warehouse.anomalies.saveRun(tenant, 'latency', [], [event]);
}

before(async () => {
  warehouse = await openDuckDbWarehouse({ path: ':memory:', retentionMs: { points: 400 * DAY, '5m': 400 * DAY, '1h': 400 * DAY, '1d': 400 * DAY } });
  await warehouse.migrate();
  await seed('a', 'api', T, 0.9, 'high');
  await seed('a', 'web', T + DAY, 0.6, 'medium');
  await seed('b', 'api', T, 0.99, 'critical');
  const log = createLogger('error', () => {});
  const api = await testApiDeps({ warehouse, stores: warehouse, log });
  closeDeps = api.close;
  server = await listenApi(apiRouters(api.deps), tokens);
});
after(async () => {
  await server.close();
  await warehouse.close();
  await closeDeps();
});

async function get(query: string, token = tokens[0]!.token) {
  const res = await fetch(`${server.url}/api/v1/anomalies${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { anomalies?: { labels: Record<string, string>; severity: string; peakScore: number; start: string; explanation: { expected: number; text: string } }[]; error?: string } };
}

test('lists only the caller tenant\'s events, newest first, with labels and explanation', async () => {
  const { status, body } = await get('');
  assert.equal(status, 200);
  assert.deepEqual(body.anomalies!.map((a) => a.labels.job), ['web', 'api']);
  assert.equal(body.anomalies![1]!.explanation.expected, 1);
  assert.equal(body.anomalies![1]!.explanation.text, 'robust-level: far from the recent level; 9 is 8.0 σ above the expected 1 (band 0 – 2)');
  assert.equal(body.anomalies![1]!.start, new Date(T).toISOString());
  const other = await get('', tokens[1]!.token);
  assert.deepEqual(other.body.anomalies!.map((a) => a.severity), ['critical']);
});

test('filters by label matcher, minimum score, severity, time range and limit', async () => {
  assert.deepEqual((await get('?match=job%3D%22api%22')).body.anomalies!.map((a) => a.labels.job), ['api']);
  assert.deepEqual((await get('?match=job%3D~%22w.*%22')).body.anomalies!.map((a) => a.labels.job), ['web']);
  assert.deepEqual((await get('?min_score=0.8')).body.anomalies!.map((a) => a.labels.job), ['api']);
  assert.deepEqual((await get('?severity=medium,low')).body.anomalies!.map((a) => a.labels.job), ['web']);
  assert.deepEqual((await get(`?from=${new Date(T + DAY / 2).toISOString()}`)).body.anomalies!.map((a) => a.labels.job), ['web']);
  assert.deepEqual((await get(`?to=${T + DAY / 2}`)).body.anomalies!.map((a) => a.labels.job), ['api']);
  assert.equal((await get('?limit=1')).body.anomalies!.length, 1);
  assert.equal((await get('?dataset=other')).body.anomalies!.length, 0);
});

test('bad filters get a 400 that says what is wrong', async () => {
  for (const [query, message] of [
    ['?min_score=2', /min_score/],
    ['?severity=urgent', /severity/],
    ['?match=job', /match/],
    ['?match=job%3D~%22(%22', /regular expression/],
    ['?from=yesterday', /from/],
    ['?limit=0', /limit/],
  ] as const) {
    const { status, body } = await get(query);
    assert.equal(status, 400, query);
    assert.match(body.error!, message);
  }
});

test('no token, no anomalies', async () => {
  const res = await fetch(`${server.url}/api/v1/anomalies`);
  assert.equal(res.status, 401);
});
