// Two Sextant replicas sharing the series on the two-shard ClickHouse 18.16 cluster, as users run
// them: two `sextant serve` processes (one talking to each server), a real Prometheus scraping a
// live target every second, datasets at a 1 s step. Both replicas score their own half of the
// series and export only that half; one is killed with SIGKILL; the other takes its series (and its
// datasets' ingest) over after the lease. Then, independently of the service: each series' stored
// points are what PromQL answers at every step, each once; each series' saved detector state and
// the survivor's exported score, level and band equal one detector run over all of its points; and
// the points the survivor scored are exactly those the dead replica had not: none twice, none
// skipped; a backfill POSTed to the replica that does not ingest its dataset, before the kill,
// leaves every point once and the detectors re-trained on the stored history. Last, the survivor
// stopped with SIGTERM leaves the membership. First, Alertmanager's
// webhook posted to either replica (an HA pair's copies to both at once, retries and resolves on
// the other one): both replicas' APIs answer the one history that the notifications imply.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnivariateDetector } from '@sextant/core/anomaly';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { decodeState } from '../exporter/src/warehouse/anomaly-store.js';
import { unitKey } from '../exporter/src/replicas/share.js';
import { webhookPayload } from './support/alert-service.js';
import { startClickHouseCluster, type RunningClickHouseCluster } from './support/clickhouse-server.js';
import { promQueryRange, startPrometheus, type RunningPrometheus } from './support/prometheus.js';
import { startServe, type ServeProcess } from './support/serve-process.js';

const database = 'sextant_replicas';
const token = 'replicas-admin-token';
const metricsToken = 'replicas-metrics-token';
const SERIES = 12;
const DATASETS = { values: 'replica_test_value', others: 'replica_test_other' } as const;
/** The metric datasets in SQL (the alert datasets made by the webhook test advance by the minute). */
const metricDatasets = Object.keys(DATASETS).map((d) => `'${d}'`).join(', ');

let cluster: RunningClickHouseCluster;
let prometheus: RunningPrometheus;
let target: Server;
let serving = false;
const replicas: ServeProcess[] = [];
let ch: ReturnType<typeof serverClient>;

/** The live target: SERIES series per metric, values changing every second; an empty page while not serving. */
function exposition(nowMs: number): string {
  if (!serving) return '';
  const t = Math.floor(nowMs / 1000);
  const lines: string[] = [];
  for (const [k, metric] of Object.values(DATASETS).entries()) {
    lines.push(`# TYPE ${metric} gauge`);
    for (let i = 0; i < SERIES; i++) lines.push(`${metric}{series="s${i}"} ${10 * (k + 1) + i + 4 * Math.sin(t / 9 + i) + (((t * 31 + i * 17) % 11) / 3) * (t % 37 === i ? 8 : 1)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await ch.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; logs:\n${replicas.map((r) => r.log().slice(-3000)).join('\n-----\n')}`);
    await sleep(250);
  }
}

async function metricsOf(replica: ServeProcess): Promise<string> {
  const res = await fetch(`${replica.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  assert.equal(res.status, 200);
  return res.text();
}

interface Exported {
  dataset: string;
  series: string;
  value: number;
}

/** Samples of `family` on a /metrics page, with the dataset and series labels of the scored series. */
function exported(page: string, family: string): Exported[] {
  const out: Exported[] = [];
  for (const [, labels, value] of page.matchAll(new RegExp(`^${family}\\{(.*)\\} (\\S+)$`, 'gm'))) {
    const dataset = /sextant_dataset="([^"]*)"/.exec(labels!)?.[1];
    const series = /(?:^|,)series="([^"]*)"/.exec(labels!)?.[1];
    if (dataset && series) out.push({ dataset, series, value: Number(value) });
  }
  return out;
}

const keyOf = (e: { dataset: string; series: string }): string => `${e.dataset}/${e.series}`;

function counter(page: string, name: string): number {
  return [...page.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

interface StoredSeries {
  dataset: string;
  series: string;
  id: number;
  ts: number[];
  values: number[];
}

async function storedSeries(): Promise<StoredSeries[]> {
  const found = await rows(
    `SELECT dataset, series_id, any(label_values[indexOf(label_names, 'series')]) AS series, groupArray(ts) AS ts, groupArray(value) AS vs FROM (
       SELECT dataset, series_id, ts, value FROM ${database}.points WHERE dataset IN (${metricDatasets}) ORDER BY dataset, series_id, ts
     ) ALL INNER JOIN (SELECT dataset, series_id, label_names, label_values FROM ${database}.series FINAL) USING (dataset, series_id)
     GROUP BY dataset, series_id ORDER BY dataset, series`,
  );
  return found.map((r) => ({
    dataset: String(r.dataset),
    series: String(r.series),
    id: Number(r.series_id),
    ts: (r.ts as string[]).map(Number),
    values: (r.vs as number[]).map(Number),
  }));
}

async function savedStates(): Promise<Map<string, { until: number; state: Float64Array }>> {
  const found = await rows(`SELECT dataset, series_id, scored_until_ms, state FROM ${database}.anomaly_detector_state FINAL`);
  return new Map(found.map((r) => [`${String(r.dataset)}/${Number(r.series_id)}`, { until: Number(r.scored_until_ms), state: decodeState(String(r.state)) }]));
}

function replicaConfig(id: string, url: string, prometheusUrl: string): (port: number) => string {
  return (port) =>
    [
      `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 10s }`,
      'warehouse:',
      '  kind: clickhouse',
      `  clickhouse: { url: "${url}", database: ${database}, cluster: ${cluster.cluster}, requestTimeout: 20s, replica: { id: ${id}, heartbeat: 1s, lease: 8s } }`,
      '  rollupInterval: 10s',
      `auth: { tokens: [ { name: admin, token: ${token}, tenant: default, role: admin } ], metricsToken: ${metricsToken} }`,
      `source: { kind: prometheus, prometheus: { url: "${prometheusUrl}", retries: 0 } }`,
      'datasets:',
      '  defaultPack: false',
      '  custom:',
      ...Object.entries(DATASETS).map(([name, query]) => `    - { name: ${name}, query: ${query}, keepLabels: [series], step: 1s }`),
      'ingest: { interval: 1s, step: 1s, delay: 4s, initialLookback: 30s, chunk: 1m }',
      'log: { level: info }',
      '',
    ].join('\n');
}

before(async () => {
  cluster = await startClickHouseCluster();
  ch = serverClient(cluster.urls[0]!);
  target = createServer((_, res) => res.end(exposition(Date.now())));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`], scrapeIntervalSeconds: 1 });
  // One after the other, as a rollout would start them: the first creates the tables ON CLUSTER.
  replicas.push(await startServe(replicaConfig('r1', cluster.urls[0]!, prometheus.url), 90_000));
  replicas.push(await startServe(replicaConfig('r2', cluster.urls[1]!, prometheus.url), 90_000));
});

after(async () => {
  await Promise.all(replicas.map((r) => r.stop(15_000)));
  await ch?.close();
  await prometheus?.dispose();
  await new Promise((resolve) => target?.close(resolve));
  await cluster?.dispose();
});

test("Alertmanager's webhook on either replica: duplicates, retries and resolves on the other one make one history, read the same on both", async () => {
  const [r1, r2] = replicas as [ServeProcess, ServeProcess];
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const startsAt = { x: minutesAgo(30), y: minutesAgo(20), z: minutesAgo(10), w: minutesAgo(5) };
  const endsAt = minutesAgo(1);
  const fingerprint = { x: 'aaaaaaaaaaaaaaa1', y: 'aaaaaaaaaaaaaaa2', z: 'aaaaaaaaaaaaaaa3', w: 'aaaaaaaaaaaaaaa4' };
  type Name = keyof typeof fingerprint;
  const post = async (replica: ServeProcess, alerts: [Name, 'firing' | 'resolved'][]) => {
    const body = webhookPayload(alerts.map(([name, status]) => ({ fingerprint: fingerprint[name], status, startsAt: startsAt[name], ...(status === 'resolved' ? { endsAt } : {}) })));
    const res = await fetch(`${replica.url}/api/v1/alerts/webhook`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  };
  // The HA pair's two copies, one on each replica at once; a retry.
  await Promise.all([post(r1, [['x', 'firing'], ['y', 'firing']]), post(r2, [['x', 'firing'], ['y', 'firing']])]);
  await post(r1, [['x', 'firing']]);
  await sleep(1_500);
  // The resolve on one replica, its retry and a late firing copy on the other.
  await post(r2, [['x', 'resolved']]);
  await post(r1, [['x', 'resolved'], ['x', 'firing']]);
  // Both copies of a resolve at once; an instance first seen resolved, its late firing on the other replica; one left open.
  await Promise.all([post(r1, [['y', 'resolved']]), post(r2, [['y', 'resolved'], ['z', 'resolved']])]);
  await post(r1, [['z', 'firing'], ['w', 'firing']]);
  await post(r2, [['w', 'firing']]);

  const expected = [
    ['x', 0, 'firing'], ['x', 1, 'resolved'], ['y', 0, 'firing'], ['y', 1, 'resolved'], ['z', 0, 'resolved'], ['w', 0, 'firing'],
  ].map(([name, seq, state]) => [fingerprint[name as Name], seq, state, state === 'resolved' ? Date.parse(endsAt) : null, Date.parse(startsAt[name as Name])].join()).sort();
  type Event = { fingerprint: string; seq: number; state: string; endsAtMs: number | null; startsAtMs: number };
  let seen: string[][] = [];
  const histories = await eventually('both replicas to read the whole history', async () => {
    const answers = await Promise.all(
      replicas.map(async (r) => {
        const res = await fetch(`${r.url}/api/v1/alerts/history?limit=100`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        return ((await res.json()) as { events: Event[] }).events;
      }),
    );
    seen = answers.map((events) => events.map((e) => [e.fingerprint, e.seq, e.state, e.endsAtMs, e.startsAtMs].join()).sort());
    return seen.every((s) => s.join('|') === expected.join('|')) ? answers : undefined;
  }, 20).catch((error: unknown) => {
    assert.deepEqual(seen, [expected, expected], 'each replica\'s history');
    throw error;
  });
  assert.deepEqual(histories[1], histories[0], 'the same answer, observation times included, from both replicas');
});

test('two replicas share the series; one killed with SIGKILL, the other scores all of them on, none twice, as one detector would', async (t) => {
  const [r1, r2] = replicas as [ServeProcess, ServeProcess];
  // Both act under the view of two members before any series exists.
  for (const r of replicas) {
    await eventually('both replicas in the view', async () => (/^sextant_replica_members\{role="score"\} 2$/m.test(await metricsOf(r)) ? true : undefined));
  }
  serving = true;
  const all = Object.keys(DATASETS).flatMap((dataset) => Array.from({ length: SERIES }, (_, i) => `${dataset}/s${i}`)).sort();

  // Each replica exports its own half; together every series, none on both.
  const halves = await eventually('each replica exporting its half', async () => {
    const [a, b] = await Promise.all([metricsOf(r1), metricsOf(r2)]);
    const mine = [exported(a, 'sextant_anomaly_score').map(keyOf), exported(b, 'sextant_anomaly_score').map(keyOf)];
    return [...mine[0]!, ...mine[1]!].sort().join() === all.join() ? mine : undefined;
  });
  assert.ok(halves[0]!.length > 0 && halves[1]!.length > 0, `both replicas score: ${halves[0]!.length} and ${halves[1]!.length} series`);
  // The API answers on every replica, with the same data.
  const query = { dataset: 'values', measures: ['count'], groupBy: ['series'], filters: [], bucket: 'raw', range: { start: 'now-1h', end: 'now' } };
  const answers = await Promise.all(
    replicas.map(async (r) => {
      const res = await fetch(`${r.url}/api/v1/query`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(query) });
      assert.equal(res.status, 200);
      return ((await res.json()) as { frames: { fields: unknown[] }[] }).frames.length;
    }),
  );
  assert.deepEqual(answers, [SERIES, SERIES]);
  // A backfill of one dataset POSTed to the replica that does not own its ingest: it holds the
  // dataset's ingest and then every series' scoring, re-writes the windows and re-trains the
  // dataset's 12 series (both replicas' halves) on the stored history; the checks below find every
  // point once and every detector where one detector over all the points would be.
  const whileScoring = Date.now();
  const ingestOwner = unitKey('default\u0000values') % 2;
  const backfiller = replicas[1 - ingestOwner]!;
  const posted = await fetch(`${backfiller.url}/api/v1/backfill`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: new Date(whileScoring - 60_000).toISOString(), datasets: ['values'] }),
  });
  const answer = await posted.text();
  assert.equal(posted.status, 202, answer);
  const { backfill } = JSON.parse(answer) as { backfill: { id: string } };
  const ended = await eventually('the backfill to end', async () => {
    const res = await fetch(`${backfiller.url}/api/v1/backfill/${backfill.id}`, { headers: { authorization: `Bearer ${token}` } });
    const job = ((await res.json()) as { backfill: { state: string; rows: number; error?: string } }).backfill;
    return job.state === 'running' ? undefined : job;
  }, 30);
  assert.equal(ended.state, 'done', ended.error);
  assert.ok(ended.rows > 0, `${ended.rows} points backfilled`);
  assert.match(backfiller.log(), /series re-trained on their history after a backfill.*"series":12\b/);
  t.diagnostic(`backfill on the replica not owning the dataset: ${((Date.now() - whileScoring) / 1000).toFixed(1)} s, ${ended.rows} points`);
  // Let both score a while.
  await sleep(Math.max(0, 6_000 - (Date.now() - whileScoring)));

  assert.ok(counter(await metricsOf(r2), 'sextant_score_points_total') > 0);
  const killedAt = Date.now();
  await r2.kill('SIGKILL');
  // Within the lease nobody takes r2's series: these states are where r2 left them.
  const atKill = await savedStates();
  assert.ok(Date.now() - killedAt < 6_000, 'states read within the lease (8 s) of the kill');
  const handover = Date.now();
  await eventually('r1 to export every series', async () => (exported(await metricsOf(r1), 'sextant_anomaly_score').map(keyOf).sort().join() === all.join() ? true : undefined));
  // Every series keeps being scored past the kill.
  await eventually('every series scored past the kill', async () => {
    const now = await savedStates();
    return now.size === 2 * SERIES && [...now.values()].every((s) => s.until > killedAt + 2_000) ? true : undefined;
  });
  t.diagnostic(`r2's series scored again by r1 ${((Date.now() - handover) / 1000).toFixed(1)} s after the kill was seen (lease 8 s)`);
  serving = false;
  const stoppedAt = Date.now();
  // Everything ingested and scored: each series' state at its last stored point.
  const stored = await eventually('ingest and scoring to finish', async () => {
    const [w] = await rows(`SELECT min(m) AS w FROM (SELECT dataset, max(watermark_ms) AS m FROM ${database}.watermarks WHERE dataset IN (${metricDatasets}) GROUP BY dataset)`);
    if (Number(w?.w) < stoppedAt + 2_000) return undefined;
    const series = await storedSeries();
    const states = await savedStates();
    return series.length === 2 * SERIES && series.every((s) => states.get(`${s.dataset}/${s.id}`)?.until === s.ts.at(-1)) ? series : undefined;
  });
  const [dup] = await rows(`SELECT count() AS n, uniqExact(dataset, series_id, ts) AS distinct_points FROM ${database}.points`);
  assert.equal(Number(dup!.n), Number(dup!.distinct_points), 'no point stored twice');
  const states = await savedStates();
  const final = await metricsOf(r1);
  const gauges = Object.fromEntries(
    ['score', 'level', 'upper_band', 'lower_band', 'value'].map((g) => [g, new Map(exported(final, `sextant_anomaly_${g}`).map((e) => [keyOf(e), e.value]))]),
  );
  // Ingest, shared and handed over: each series' points are what PromQL answers at every step, none missing.
  for (const [dataset, metric] of Object.entries(DATASETS)) {
    const mine = stored.filter((s) => s.dataset === dataset);
    const answer = await promQueryRange(prometheus.url, metric, Math.min(...mine.map((s) => s.ts[0]!)), Math.max(...mine.map((s) => s.ts.at(-1)!)), 1_000);
    assert.equal(answer.length, SERIES);
    for (const expected of answer) {
      const got = mine.find((s) => s.series === expected.metric.series)!;
      assert.deepEqual(got.ts, expected.values.map(([t]) => Math.round(t * 1000)), `${dataset}/${got.series}: every step PromQL answers, once`);
      got.values.forEach((v, i) => assert.ok(Math.abs(v - Number(expected.values[i]![1])) < 1e-9, `${dataset}/${got.series}: value at ${got.ts[i]}`));
    }
  }
  let scoredByR2 = 0;
  for (const s of stored) {
    const key = `${s.dataset}/${s.series}`;
    // One detector over every point of the series, in order.
    const detector = new UnivariateDetector();
    let last;
    for (let i = 0; i < s.ts.length; i++) last = detector.explain(s.ts[i]!, s.values[i]!, detector.update(s.ts[i]!, s.values[i]!));
    assert.deepEqual(states.get(`${s.dataset}/${s.id}`)!.state, detector.state, `${key}: the saved state is one detector's`);
    assert.equal(gauges.score!.get(key), last!.score, `${key}: score`);
    assert.equal(gauges.level!.get(key), last!.expected, `${key}: level`);
    assert.equal(gauges.upper_band!.get(key), last!.upper, `${key}: upper band`);
    assert.equal(gauges.lower_band!.get(key), last!.lower, `${key}: lower band`);
    assert.equal(gauges.value!.get(key), s.values.at(-1), `${key}: value`);
    // Under the view [r1, r2], r2 scores the odd series ids.
    const leftAt = atKill.get(`${s.dataset}/${s.id}`)?.until ?? -Infinity;
    const owner = s.id % 2;
    assert.ok(halves[owner]!.includes(key) && !halves[1 - owner]!.includes(key), `${key} was exported by r${owner + 1} only before the kill`);
    if (owner === 1) scoredByR2 += s.ts.filter((ts) => ts <= leftAt).length;
  }
  const total = stored.reduce((n, s) => n + s.ts.length, 0);
  assert.ok(scoredByR2 > 0, 'r2 scored its share before the kill');
  assert.equal(counter(final, 'sextant_score_points_total'), total - scoredByR2, 'r1 scored every point r2 had not, and no point twice');
  // Stopped cleanly, a replica leaves: its row is dead at once, not after the lease.
  assert.equal(await r1.stop(), 0);
  const [row] = await rows(`SELECT heartbeat_ms FROM ${database}.replicas FINAL WHERE id = 'r1'`);
  assert.equal(Number(row?.heartbeat_ms), 0);
});
