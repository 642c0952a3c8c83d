import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAlertDatasetsJob } from '../../jobs/alert-datasets.js';
import { createLogger } from '../../log.js';
import type { AlertObservation } from '../../warehouse/alert-store.js';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { testApiDeps } from '../testing/api-deps.js';
import { listenApi } from '../testing/listen.js';
import { apiRouters } from './index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 8);
const NOW = T0 + 60 * MIN + 30_000;
const tokens = [
  { name: 'a', token: 'token-of-tenant-a-0001', tenant: 'a', role: 'viewer' as const },
  { name: 'b', token: 'token-of-tenant-b-0002', tenant: 'b', role: 'viewer' as const },
];
let warehouse: DuckDbWarehouse;
let server: Awaited<ReturnType<typeof listenApi>>;
let closeDeps: () => Promise<void>;

const FINGERPRINTS: Record<string, string> = { HighLatency: '00000000000000a1', ErrorBurst: '00000000000000b2' };
const alert = (alertname: string, startsAtMs: number, state: AlertObservation['state'], endsAtMs: number | null): AlertObservation => ({
  tenant: 'a', fingerprint: FINGERPRINTS[alertname]!, startsAtMs, state, endsAtMs,
  labels: { alertname, service: 'api', severity: 'page' }, annotations: {}, generatorUrl: '', receiver: 'r', suppressedBy: [], source: 'webhook',
});

before(async () => {
  warehouse = await openDuckDbWarehouse({ path: ':memory:', retentionMs: { points: 400 * 86_400_000, '5m': 400 * 86_400_000, '1h': 400 * 86_400_000, '1d': 400 * 86_400_000 } });
  await warehouse.migrate();
  // HighLatency fired 30 minutes and resolved; ErrorBurst started 10 minutes in and still fires.
  await warehouse.alerts.record([alert('HighLatency', T0, 'firing', null), alert('HighLatency', T0, 'resolved', T0 + 30 * MIN), alert('ErrorBurst', T0 + 10 * MIN, 'firing', null)]);
  const log = createLogger('error', () => {});
  const job = createAlertDatasetsJob({ store: warehouse.alerts, tenants: ['a', 'b'], warehouse, log, now: () => NOW, intervalMs: MIN, stepMs: MIN, windowMs: 2 * 3_600_000 });
  await job.run(new AbortController().signal);
  const api = await testApiDeps({ warehouse, stores: warehouse, log, now: () => NOW, datasets: [{ name: 'latency', tenant: 'a', query: 'latency', keepLabels: [], stepMs: MIN }] });
  closeDeps = api.close;
  server = await listenApi(apiRouters(api.deps), tokens);
});
after(async () => {
  await server.close();
  await warehouse.close();
  await closeDeps();
});

async function query(dataset: string, token = tokens[0]!.token, groupBy = ['alertname']) {
  const res = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ dataset, measures: ['sum'], groupBy, bucket: 'raw', range: { start: T0 - 60 * MIN, end: T0 + 2 * 60 * MIN } }),
  });
  return { status: res.status, body: (await res.json()) as { frames?: { name?: string; fields: { name: string; values: unknown[]; labels?: Record<string, string> }[] }[]; error?: string } };
}

/** Sum of the values of each value field (one per alertname, by its labels). */
function totals(frames: NonNullable<Awaited<ReturnType<typeof query>>['body']['frames']>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const frame of frames) {
    for (const field of frame.fields) {
      if (field.name === 'time') continue;
      const key = field.labels?.alertname ?? `unlabelled field ${field.name} of ${frame.name}`;
      out[key] = (out[key] ?? 0) + field.values.reduce<number>((s, v) => s + Number(v), 0);
    }
  }
  return out;
}

test('POST /query answers the alert datasets as docs/alerts.md says: started counts per rule, firing minutes', async () => {
  const started = await query('alerts_started');
  assert.equal(started.status, 200, started.body.error);
  assert.deepEqual(totals(started.body.frames!), { HighLatency: 1, ErrorBurst: 1 });
  const firing = await query('alerts_firing');
  assert.equal(firing.status, 200, firing.body.error);
  // HighLatency fired T0 to T0+30m; ErrorBurst from T0+10m up to the last whole minute before now (T0+60m).
  assert.deepEqual(totals(firing.body.frames!), { HighLatency: 30, ErrorBurst: 50 });
});

test('another tenant reads its own (empty) alert datasets, never tenant a\'s', async () => {
  const other = await query('alerts_firing', tokens[1]!.token);
  assert.equal(other.status, 200, other.body.error);
  assert.deepEqual(totals(other.body.frames!), {});
});

test('an unknown dataset is a 404 naming what the tenant can query, the alert datasets included', async () => {
  const res = await query('nope');
  assert.equal(res.status, 404);
  assert.equal(res.body.error, 'dataset: "nope" is not a dataset of tenant a; known: latency, alerts_firing, alerts_started');
});

interface Listed {
  name: string;
  query: string;
  keepLabels: string[];
  stepMs: number;
  watermark: number | null;
}

async function listed(token: string): Promise<Listed[]> {
  const res = await fetch(`${server.url}/api/v1/datasets`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { datasets: Listed[] }).datasets;
}

test('GET /datasets lists exactly the datasets POST /query answers, the alert datasets with their labels, step and watermark', async () => {
  const datasets = await listed(tokens[0]!.token);
  assert.deepEqual(datasets.map((d) => d.name), ['latency', 'alerts_firing', 'alerts_started']);
  // POST /query names what it answers when it refuses a name: the same list.
  assert.equal((await query('nope')).body.error, `dataset: "nope" is not a dataset of tenant a; known: ${datasets.map((d) => d.name).join(', ')}`);
  for (const d of datasets) {
    const answer = await query(d.name, tokens[0]!.token, d.keepLabels);
    assert.equal(answer.status, 200, `${d.name}: ${answer.body.error}`);
    // Grouped by every label it lists, each series' labels are those labels.
    for (const frame of answer.body.frames!) {
      for (const field of frame.fields.filter((f) => f.name !== 'time')) assert.deepEqual(Object.keys(field.labels ?? {}).sort(), [...d.keepLabels].sort(), d.name);
    }
  }
  const [latency, firing, started] = datasets;
  assert.deepEqual(latency, { name: 'latency', query: 'latency', keepLabels: [], stepMs: MIN, watermark: null });
  // The job wrote the last two hours up to the last whole minute; one point a minute.
  const written = Math.floor(NOW / MIN) * MIN;
  for (const d of [firing!, started!]) {
    assert.deepEqual([d.keepLabels, d.stepMs, d.watermark], [['alertname', 'service', 'severity'], MIN, written], d.name);
    assert.match(d.query, /^alert history: /);
  }
  const frames = (await query('alerts_firing', tokens[0]!.token, firing!.keepLabels)).body.frames!;
  assert.equal(frames.length, 2, 'one series per alert rule');
  for (const frame of frames) {
    const times = frame.fields.find((f) => f.name === 'time')!.values.map(Number);
    assert.ok(times.length > 1 && times.every((t, i) => i === 0 || t - times[i - 1]! === firing!.stepMs), `points ${firing!.stepMs} ms apart: ${times.slice(0, 3).join(', ')}`);
  }
});

test('a tenant without alerts lists the alert datasets too, written (empty) up to the same minute', async () => {
  const datasets = await listed(tokens[1]!.token);
  assert.deepEqual(datasets.map((d) => [d.name, d.watermark]), [['alerts_firing', Math.floor(NOW / MIN) * MIN], ['alerts_started', Math.floor(NOW / MIN) * MIN]]);
  for (const d of datasets) assert.equal((await query(d.name, tokens[1]!.token, d.keepLabels)).status, 200);
});
