// `sextant serve` on a ClickHouse warehouse (warehouse.kind: clickhouse), as a user runs it: the
// built CLI as a child process, a real clickhouse-server 18.16 and a real Prometheus with known
// history. Ingest, scoring, the webhook, the alert history and a report all go through ClickHouse;
// then the server is stopped mid-run and started again: the webhook keeps acknowledging (its intake
// log is local and durable), ingest backs off and resumes from its watermarks with no gap and no
// duplicate, and the alerts acknowledged during the outage reach the history. A server that is not
// there at start is a clear error.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { webhookPayload } from './support/alert-service.js';
import { startClickHouseServer, type RunningClickHouse } from './support/clickhouse-server.js';
import { knownHistory, toOpenMetrics } from './support/history.js';
import { freePort, promQueryRange, startPrometheus, type RunningPrometheus } from './support/prometheus.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'exporter', 'dist', 'cli.js');
const M = 60_000;
const H = 60 * M;
const token = 'clickhouse-e2e-admin-token';
const database = 'sextant_e2e';
const historyStart = Math.floor((Date.now() - 2 * H) / M) * M;
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));

let clickhouse: RunningClickHouse;
let prometheus: RunningPrometheus;
let ch: ReturnType<typeof serverClient>;
let dir: string;
let base: string;
let service: ChildProcess;
let log = '';

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await ch.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, seconds = 90): Promise<T> {
  for (let i = 0; i < seconds * 4; i++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`gave up waiting for ${what}; service log:\n${log.slice(-4000)}`);
}

function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Stored points of dataset gauge: none twice, one step apart, equal to what PromQL answers over the same range. */
async function assertStoredEqualsPromQL(): Promise<number> {
  const [dup] = await rows(`SELECT count() AS n, uniqExact(series_id, ts) AS distinct_points FROM ${database}.points WHERE dataset = 'gauge'`);
  assert.equal(Number(dup!.n), Number(dup!.distinct_points), 'no point stored twice');
  const stored = await rows(
    `SELECT series_key, groupArray(ts) AS ts, groupArray(value) AS vs FROM (
       SELECT series_key, ts, value FROM ${database}.points ALL INNER JOIN (SELECT series_id, series_key FROM ${database}.series FINAL WHERE dataset = 'gauge') AS s USING series_id
       WHERE dataset = 'gauge' ORDER BY series_key, ts) GROUP BY series_key ORDER BY series_key`,
  );
  assert.equal(stored.length, 2);
  const first = Math.min(...stored.map((s) => Number((s.ts as string[])[0])));
  const last = Math.max(...stored.map((s) => Number((s.ts as string[]).at(-1))));
  const expected = await promQueryRange(prometheus.url, 'test_value', first, last, M);
  for (const series of expected) {
    const got = stored.find((s) => s.series_key === `{series="${series.metric.series}"}`)!;
    const ts = (got.ts as string[]).map(Number);
    assert.deepEqual(ts, series.values.map(([t]) => Math.round(t * 1000)), `${String(got.series_key)}: every step of the range, once`);
    (got.vs as number[]).forEach((v, i) => assert.ok(Math.abs(v - Number(series.values[i]![1])) < 1e-9, `${String(got.series_key)} value ${i}`));
  }
  return last;
}

before(async () => {
  clickhouse = await startClickHouseServer();
  ch = serverClient(clickhouse.url);
  prometheus = await startPrometheus({ history: toOpenMetrics(knownHistory(historyStart, Date.now())) });
  dir = mkdtempSync(join(tmpdir(), 'sextant-serve-clickhouse-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'sextant.yaml'),
    [
      `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 20s }`,
      'warehouse:',
      '  kind: clickhouse',
      `  clickhouse: { url: "${clickhouse.url}", database: ${database}, requestTimeout: 5s }`,
      '  rollupInterval: 1s',
      '  reference: { maxImportBytes: 4096 }',
      `auth: { tokens: [ { name: e2e, token: ${token}, tenant: default, role: admin } ] }`,
      `source: { kind: prometheus, prometheus: { url: "${prometheus.url}", retries: 0 } }`,
      'datasets: { defaultPack: false, custom: [ { name: gauge, query: test_value, keepLabels: [series], step: 1m } ] }',
      'ingest: { interval: 1s, step: 1m, initialLookback: 2h, chunk: 30m }',
      'log: { level: info }',
      '',
    ].join('\n'),
  );
  service = spawn(process.execPath, [cli, 'serve', '--config', 'sextant.yaml'], { cwd: dir, env: cleanEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  service.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  await eventually('the service to be ready', async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));
});

after(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    await exited;
  }
  await ch?.close();
  await prometheus?.dispose();
  await clickhouse?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('serve on ClickHouse: ingest from Prometheus, scoring, the webhook, the alert history and a report', async () => {
  const caughtUp = Date.now() - 3 * M;
  await eventually('ingest to catch up', async () => {
    const [w] = await rows(`SELECT max(watermark_ms) AS w FROM ${database}.watermarks WHERE dataset = 'gauge'`);
    return Number(w?.w ?? 0) >= caughtUp ? true : undefined;
  });
  const last = await assertStoredEqualsPromQL();
  assert.ok(last >= caughtUp - 2 * M);
  // Scoring: each series' detector state saved in ClickHouse, up to the last point stored then.
  await eventually('both series scored', async () => {
    const [s] = await rows(`SELECT count() AS n, min(scored_until_ms) AS until FROM ${database}.anomaly_detector_state FINAL WHERE dataset = 'gauge'`);
    return Number(s?.n) === 2 && Number(s?.until) >= caughtUp - 2 * M ? true : undefined;
  });
  const startsAt = new Date(Date.now() - 10 * M).toISOString();
  const sent = await api('POST', '/api/v1/alerts/webhook', webhookPayload([{ fingerprint: 'e2e0000000000001', status: 'firing', startsAt }]));
  assert.equal(sent.status, 200, await sent.text());
  const history = (await (await api('GET', '/api/v1/alerts/history?fingerprint=e2e0000000000001')).json()) as { events: { state: string; startsAt?: string }[] };
  assert.deepEqual(history.events.map((e) => e.state), ['firing']);
  const [stored] = await rows(`SELECT count() AS n FROM ${database}.alert_events FINAL WHERE fingerprint = 'e2e0000000000001'`);
  assert.equal(Number(stored!.n), 1, 'the alert is in ClickHouse');
  const report = await api('POST', '/api/v1/reports', { period: 'daily', format: 'csv', from: new Date().toISOString().slice(0, 10) });
  const body = (await report.json()) as { report: { status: string; id: string } };
  assert.equal(report.status, 201, JSON.stringify(body));
  const [indexed] = await rows(`SELECT status FROM ${database}.reports FINAL WHERE id = '${body.report.id}'`);
  assert.equal(indexed?.status, 'ok');
});

test('reference tables through the API on ClickHouse: PUT streams a file in, a bad row or too large a file is refused, a query joins the table', async () => {
  const put = (path: string, body: string) => fetch(`${base}/api/v1/reference/${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body });
  const imported = await put('owners?key=series', 'series,team,weight\na,web,2\nb,db,0.5\n');
  const body = (await imported.json()) as { table: { rows: number; columns: { name: string; type: string }[] } };
  assert.equal(imported.status, 200, JSON.stringify(body));
  assert.deepEqual([body.table.rows, body.table.columns.map((c) => c.type)], [2, ['text', 'text', 'number']]);
  const badRow = await put('owners?key=series', 'series,team,weight\nc,ops,1\nd,ops,heavy\n');
  assert.equal(badRow.status, 400);
  assert.match(((await badRow.json()) as { error: string }).error, /line 3, column weight: "heavy" is not a number/);
  const otherShape = await put('owners?key=series', 'series,team\nc,ops\n');
  assert.equal(otherShape.status, 409);
  const large = await put('big', `series,team\n${'x,y\n'.repeat(2000)}`);
  assert.equal(large.status, 413);
  const listed = (await (await api('GET', '/api/v1/reference')).json()) as { tables: { name: string; rows: number }[] };
  assert.deepEqual(listed.tables.map((t) => [t.name, t.rows]), [['owners', 2]], 'the refused files loaded nothing');

  const range = { start: new Date(historyStart).toISOString(), end: new Date(historyStart + H).toISOString() };
  const query = { dataset: 'gauge', measures: ['count', 'sum'], groupBy: ['owners.team'], filters: [], bucket: 'raw', range, join: { table: 'owners', label: 'series', column: 'series', scaleBy: 'weight' } };
  const answer = await api('POST', '/api/v1/query', query);
  const frames = ((await answer.json()) as { frames: { fields: { labels?: Record<string, string>; values: number[] }[] }[] }).frames;
  assert.equal(answer.status, 200, JSON.stringify(frames));
  // The same sums from the points stored in ClickHouse, each series times its weight.
  const stored = await rows(
    `SELECT series_key, sum(value) AS s, count() AS n FROM ${database}.points ALL INNER JOIN (SELECT series_id, series_key FROM ${database}.series FINAL WHERE dataset = 'gauge') AS x USING series_id
     WHERE dataset = 'gauge' AND ts >= ${historyStart} AND ts < ${historyStart + H} GROUP BY series_key`,
  );
  const weight: Record<string, [string, number]> = { '{series="a"}': ['web', 2], '{series="b"}': ['db', 0.5] };
  const teams = frames.map((f) => f.fields[2]!.labels!['owners.team']).sort();
  assert.deepEqual(teams, stored.map((r) => weight[String(r.series_key)]![0]).sort());
  for (const r of stored) {
    const [team, w] = weight[String(r.series_key)]!;
    const frame = frames.find((f) => f.fields[2]!.labels!['owners.team'] === team)!;
    const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
    assert.equal(total(frame.fields[1]!.values), Number(r.n), `${team}: count`);
    const sum = total(frame.fields[2]!.values);
    assert.ok(Math.abs(sum - Number(r.s) * w) < 1e-9 * Math.abs(Number(r.s) * w), `${team}: sum ${sum}, ${Number(r.s) * w} from the points`);
  }
});

test('ClickHouse down mid-run: the webhook still acknowledges, ingest backs off and resumes with no gap and no duplicate', async () => {
  await clickhouse.stop();
  // From here every attempt fails (during the server's shutdown, some requests still succeed).
  const logBefore = log.length;
  const startsAt = new Date(Date.now() - 5 * M).toISOString();
  const sent = await api('POST', '/api/v1/alerts/webhook', webhookPayload([{ fingerprint: 'e2e0000000000002', status: 'firing', startsAt }]));
  assert.equal(sent.status, 200, 'acknowledged: durable in the intake log while ClickHouse is down');
  const waits = (): number[] => [...log.slice(logBefore).matchAll(/"nextAttemptInMs":(\d+)/g)].map((m) => Number(m[1]));
  await eventually('ingest to back off twice', async () => (waits().length >= 2 ? true : undefined), 30);
  assert.deepEqual(waits().slice(0, 2), [1000, 2000], 'each failed attempt waits twice as long');
  await clickhouse.start();
  const caughtUp = Date.now() - 2 * M;
  await eventually('ingest to resume after the outage', async () => {
    const [w] = await rows(`SELECT max(watermark_ms) AS w FROM ${database}.watermarks WHERE dataset = 'gauge'`);
    return Number(w?.w ?? 0) >= caughtUp ? true : undefined;
  });
  await assertStoredEqualsPromQL();
  const history = await eventually('the alert acknowledged during the outage in the history', async () => {
    const res = await api('GET', '/api/v1/alerts/history?fingerprint=e2e0000000000002');
    return res.ok ? ((await res.json()) as { events: { state: string }[] }) : undefined;
  });
  assert.deepEqual(history.events.map((e) => e.state), ['firing']);
});

test('ClickHouse not there at start: serve exits with an error naming the server', async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const other = mkdtempSync(join(tmpdir(), 'sextant-serve-clickhouse-down-'));
  try {
    writeFileSync(join(other, 'sextant.yaml'), `server: { listen: 127.0.0.1, port: ${await freePort()} }\nwarehouse: { kind: clickhouse, clickhouse: { url: "${nowhere}" } }\n`);
    const child = spawn(process.execPath, [cli, 'serve', '--config', 'sextant.yaml'], { cwd: other, env: cleanEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`sextant: warehouse.clickhouse.url ${nowhere}: cannot reach ClickHouse for database sextant: .*ECONNREFUSED`));
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
