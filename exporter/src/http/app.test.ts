import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Router } from 'express';
import { Registry } from 'prom-client';
import { createLogger } from '../log.js';
import { QueryError } from '../warehouse/query-error.js';
import { API_PREFIX, createApp } from './app.js';
import type { ApiToken } from './auth.js';
import { apiRouters } from './routes/index.js';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { testApiDeps } from './testing/api-deps.js';
import { FakeWarehouse } from './testing/fake-warehouse.js';
import { listen } from './testing/listen.js';
import { promtoolCheckMetrics } from './testing/promtool.js';

const tokens: ApiToken[] = [
  { name: 'viewer-a', token: 'token-of-viewer-a-0001', tenant: 'a', role: 'viewer' },
  { name: 'viewer-b', token: 'token-of-viewer-b-0002', tenant: 'b', role: 'viewer' },
];
const metricsToken = 'token-of-the-scraper-0003';
const datasets = [
  { name: 'cpu', tenant: 'a', query: 'rate(cpu[5m])', keepLabels: ['instance'], stepMs: 60_000 },
  { name: 'mem', tenant: 'b', query: 'mem', keepLabels: [], stepMs: 60_000 },
];
const logLines: string[] = [];
const warehouse = new FakeWarehouse();
let ready = true;
const registry = new Registry();
let routers: Router[];
let server: Awaited<ReturnType<typeof listen>>;
let closeDeps: () => Promise<void>;
/** The service's clock, for times relative to now. */
const NOW = Date.UTC(2026, 10, 21, 5, 30);
before(async () => {
  const api = await testApiDeps({ warehouse, datasets, registry, now: () => NOW });
  closeDeps = api.close;
  routers = apiRouters(api.deps);
  const app = createApp({
    registry,
    families: new SeriesFamilies(),
    log: createLogger('debug', (line) => logLines.push(line)),
    tokens,
    metricsToken,
    isReady: () => ready,
    bodyLimitBytes: 4096,
    requestTimeoutMs: 10_000,
    apiRouters: routers,
  });
  server = await listen(app);
});
after(async () => {
  await server.close();
  await closeDeps();
});

function call(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  return fetch(`${server.url}${path}`, { method, headers, body: options.body });
}

const hour = 3_600_000;
const start = Date.UTC(2026, 10, 20);
const goodQuery = { dataset: 'cpu', measures: ['avg', 'p95'], groupBy: ['instance'], filters: [], bucket: '1h', range: { start, end: start + 24 * hour } };
const post = (body: unknown, token = tokens[0]?.token) => call('POST', `${API_PREFIX}/query`, { token, body: JSON.stringify(body) });

/** Every route of every API router, as the app mounts them (so a new route is covered by itself). */
function apiRoutes(list: readonly Router[]): Array<{ method: string; path: string }> {
  return list.flatMap((router) =>
    router.stack.flatMap((layer) => {
      const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
      if (!route) return [];
      return Object.keys(route.methods).map((method) => ({ method: method.toUpperCase(), path: API_PREFIX + route.path.replace(/:(\w+)/g, 'x') }));
    }),
  );
}

describe('authentication on every /api route', () => {
  test('the list of routes is found', () => {
    const routes = apiRoutes(routers);
    assert.ok(routes.length >= 3, JSON.stringify(routes));
    assert.ok(routes.some((r) => r.method === 'POST' && r.path === '/api/v1/query'));
  });
  test('every route refuses a missing token with 401 and a Bearer challenge', async () => {
    for (const route of apiRoutes(routers)) {
      const res = await call(route.method, route.path);
      assert.equal(res.status, 401, `${route.method} ${route.path}`);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sextant"');
      assert.match((await res.json()).error, /missing bearer token/);
    }
  });
  test('every route refuses a wrong token with 401', async () => {
    for (const route of apiRoutes(routers)) {
      for (const authorization of ['Bearer token-of-viewer-a-0009', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${tokens[0]?.token}x`, 'token-of-viewer-a-0001']) {
        const res = await call(route.method, route.path, { headers: { authorization } });
        assert.equal(res.status, 401, `${route.method} ${route.path} with ${authorization}`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="sextant", error="invalid_token"');
        assert.deepEqual(await res.json(), { error: 'invalid bearer token' });
      }
    }
  });
  test('HTTP Basic (what Alertmanager can send) is accepted with the token name as user and the token as password', async () => {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const ok = await call('GET', '/api/v1/datasets', { headers: { authorization: basic('viewer-a', 'token-of-viewer-a-0001') } });
    assert.equal(ok.status, 200);
    assert.deepEqual((await ok.json()).datasets.map((d: { name: string }) => d.name), ['cpu', 'alerts_firing', 'alerts_started'], "tenant a's list");
    const wrongUser = await call('GET', '/api/v1/datasets', { headers: { authorization: basic('viewer-b', 'token-of-viewer-a-0001') } });
    assert.equal(wrongUser.status, 401);
  });
  test('an unknown /api route is refused without a token and 404 with one', async () => {
    assert.equal((await call('GET', '/api/v1/nothing')).status, 401);
    const res = await call('GET', '/api/v1/nothing', { token: tokens[0]?.token });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'no route for GET /api/v1/nothing' });
  });
});

describe('POST /api/v1/query', () => {
  test('answers data frames for the token\'s tenant', async () => {
    const res = await post(goodQuery);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { frames: [{ name: 'a/cpu', fields: [{ name: 'time', type: 'time', values: [start] }] }] });
    assert.deepEqual(warehouse.queries.at(-1), { tenant: 'a', query: goodQuery });
  });

  test('RFC 3339 times are accepted', async () => {
    const res = await post({ ...goodQuery, range: { start: '2026-11-20T00:00:00Z', end: '2026-11-21T00:00:00Z' } });
    assert.equal(res.status, 200);
    assert.deepEqual(warehouse.queries.at(-1)?.query.range, goodQuery.range);
  });

  test('times relative to now count back from the service\'s clock, rounded down when asked', async () => {
    const res = await post({ ...goodQuery, range: { start: 'now-24h', end: 'now' } });
    assert.equal(res.status, 200);
    assert.deepEqual(warehouse.queries.at(-1)?.query.range, { start: NOW - 24 * hour, end: NOW });
    // now-1d/d: the start of yesterday (UTC); now/d: the start of today; an age like 6h is now-6h.
    assert.equal((await post({ ...goodQuery, range: { start: 'now-1d/d', end: 'now/d' } })).status, 200);
    assert.deepEqual(warehouse.queries.at(-1)?.query.range, { start: Date.UTC(2026, 10, 20), end: Date.UTC(2026, 10, 21) });
    assert.equal((await post({ ...goodQuery, range: { start: '6h', end: Date.UTC(2026, 10, 21) } })).status, 200);
    assert.deepEqual(warehouse.queries.at(-1)?.query.range, { start: NOW - 6 * hour, end: Date.UTC(2026, 10, 21) });
  });

  test('a viewer cannot reach another tenant\'s dataset, nor pick a tenant in the body', async () => {
    const before = warehouse.queries.length;
    const other = await post(goodQuery, tokens[1]?.token);
    assert.equal(other.status, 404);
    assert.deepEqual(await other.json(), { error: 'dataset: "cpu" is not a dataset of tenant b; known: mem, alerts_firing, alerts_started' });
    const sneaky = await post({ ...goodQuery, tenant: 'a' }, tokens[1]?.token);
    assert.equal(sneaky.status, 400);
    assert.deepEqual(await sneaky.json(), { error: 'tenant: not allowed in the body; the tenant comes from the bearer token' });
    assert.equal(warehouse.queries.length, before, 'the warehouse was never asked');
    const own = await post({ ...goodQuery, dataset: 'mem' }, tokens[1]?.token);
    assert.equal(own.status, 200);
    assert.equal(warehouse.queries.at(-1)?.tenant, 'b');
  });

  const malformed: Array<{ name: string; body: string; error: string }> = [
    { name: 'invalid JSON', body: '{"dataset": ', error: 'request body is not valid JSON: Unexpected end of JSON input' },
    { name: 'not an object', body: '[1,2]', error: 'expected a JSON object body (Content-Type: application/json)' },
    { name: 'unknown field', body: JSON.stringify({ ...goodQuery, sql: 'drop table points' }), error: 'invalid query: body: Unrecognized key: "sql"' },
    { name: 'no measures', body: JSON.stringify({ ...goodQuery, measures: [] }), error: 'invalid query: measures: Too small: expected array to have >=1 items' },
    {
      name: 'unknown measure',
      body: JSON.stringify({ ...goodQuery, measures: ['median'] }),
      error: 'invalid query: measures[0]: Invalid option: expected one of "count"|"sum"|"min"|"max"|"avg"|"p50"|"p95"|"p99"|"last"',
    },
    { name: 'unknown bucket', body: JSON.stringify({ ...goodQuery, bucket: 'weekly' }), error: 'invalid query: bucket: Invalid option: expected one of "raw"|"5m"|"1h"|"1d"' },
    {
      name: 'bad label name',
      body: JSON.stringify({ ...goodQuery, groupBy: ['instance"; drop'] }),
      error: 'invalid query: groupBy[0]: expected a label name (letters, digits, _; not starting with a digit), or table.column of the joined reference table',
    },
    {
      name: 'bad regex',
      body: JSON.stringify({ ...goodQuery, filters: [{ label: 'instance', op: '=~', value: '(' }] }),
      error: 'invalid query: filters[0].value: expected a valid RE2 regular expression (no lookaround or backreferences)',
    },
    {
      name: 'regex RE2 refuses',
      body: JSON.stringify({ ...goodQuery, filters: [{ label: 'instance', op: '=~', value: '(?=a).*' }] }),
      error: 'invalid query: filters[0].value: expected a valid RE2 regular expression (no lookaround or backreferences)',
    },
    {
      name: 'bad time',
      body: JSON.stringify({ ...goodQuery, range: { start: 'yesterday', end: start } }),
      error: 'invalid query: range.start: expected Unix milliseconds, an RFC 3339 date-time such as 2026-11-25T06:00:00Z, or a time relative to now such as now-24h',
    },
    { name: 'relative end before start', body: JSON.stringify({ ...goodQuery, range: { start: 'now', end: 'now-1h' } }), error: 'invalid query: range: range.end must be later than range.start' },
    {
      name: 'relative time before 1970',
      body: JSON.stringify({ ...goodQuery, range: { start: 'now-99999d', end: 'now' } }),
      error: 'invalid query: range.start: "now-99999d" is outside the times Sextant keeps (1970-01-01 to 9999-12-31)',
    },
    { name: 'end before start', body: JSON.stringify({ ...goodQuery, range: { start, end: start - 1 } }), error: 'invalid query: range: range.end must be later than range.start' },
    {
      name: 'range too long for the bucket',
      body: JSON.stringify({ ...goodQuery, bucket: 'raw', range: { start, end: start + 30 * 24 * hour } }),
      error: 'invalid query: range: range spans 30d, more than the 7d allowed for bucket raw (warehouse.query.maxRange.raw)',
    },
    { name: 'missing dataset', body: JSON.stringify({ ...goodQuery, dataset: undefined }), error: 'invalid query: dataset: Invalid input: expected string, received undefined' },
  ];
  for (const row of malformed) {
    test(`malformed: ${row.name} is 400 with the reason`, async () => {
      const res = await call('POST', `${API_PREFIX}/query`, { token: tokens[0]?.token, body: row.body });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: row.error });
    });
  }

  test('a body over the limit is 413 with a clear error', async () => {
    const res = await post({ ...goodQuery, dataset: 'x'.repeat(5000) });
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { error: 'request body is larger than the limit of 4096 bytes (server.bodyLimitBytes)' });
  });

  test('a query the warehouse refuses (over a limit) is a 400 with its reason', async () => {
    warehouse.failWith = new QueryError('query: 20000 series of dataset cpu match, more than the limit of 10000; add filters');
    try {
      const res = await post(goodQuery);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: 'query: 20000 series of dataset cpu match, more than the limit of 10000; add filters' });
    } finally {
      warehouse.failWith = undefined;
    }
  });

  test('an internal failure is a 500 without internals; the log has them', async () => {
    warehouse.failWith = new Error('IO Error: /var/lib/secret/path.duckdb is locked');
    try {
      const res = await post(goodQuery);
      assert.equal(res.status, 500);
      const text = await res.text();
      const { errorId } = JSON.parse(text) as { errorId: string };
      assert.deepEqual(JSON.parse(text), { error: `internal error ${errorId}; the service log has the details under this errorId`, errorId });
      assert.ok(!text.includes('secret') && !text.includes('at '), text);
      assert.ok(logLines.some((line) => line.includes('/var/lib/secret/path.duckdb is locked') && line.includes(errorId)));
    } finally {
      warehouse.failWith = undefined;
    }
  });
});

describe('GET /api/v1/datasets and /api/v1/ingest-runs', () => {
  test('datasets: only the tenant\'s own and the alert datasets, with watermarks', async () => {
    const res = await call('GET', `${API_PREFIX}/datasets`, { token: tokens[0]?.token });
    const alerts = { keepLabels: ['alertname', 'service', 'severity'], stepMs: 60_000, watermark: null };
    assert.deepEqual(await res.json(), {
      datasets: [
        { name: 'cpu', query: 'rate(cpu[5m])', keepLabels: ['instance'], stepMs: 60_000, watermark: 1_700_000_000_000 },
        { name: 'alerts_firing', query: 'alert history: alerts firing at each step', ...alerts },
        { name: 'alerts_started', query: 'alert history: alerts that started in each step', ...alerts },
      ],
    });
  });

  test('ingest runs: only the tenant\'s own, limit checked', async () => {
    const run = { dataset: 'cpu', window: { start: 0, end: 60_000 }, rows: 10, status: 'ok' as const, durationMs: 5, finishedAt: 60_000 };
    warehouse.runs = [{ ...run, tenant: 'a' }, { ...run, tenant: 'b', dataset: 'mem' }];
    const res = await call('GET', `${API_PREFIX}/ingest-runs?limit=10`, { token: tokens[1]?.token });
    assert.deepEqual(await res.json(), { runs: [{ ...run, tenant: 'b', dataset: 'mem' }] });
    const bad = await call('GET', `${API_PREFIX}/ingest-runs?limit=0`, { token: tokens[1]?.token });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'limit: got "0", expected an integer between 1 and 1000' });
  });
});

describe('health, readiness and logs', () => {
  test('/-/healthy is 200; /-/ready follows isReady', async () => {
    assert.equal((await call('GET', '/-/healthy')).status, 200);
    assert.equal((await call('GET', '/-/ready')).status, 200);
    ready = false;
    try {
      assert.equal((await call('GET', '/-/ready')).status, 503);
    } finally {
      ready = true;
    }
  });

  test('/metrics counts requests by route pattern, never by raw URL, and passes promtool', async () => {
    await call('GET', '/scan/me/1');
    await call('GET', '/scan/me/2');
    await call('GET', `${API_PREFIX}/datasets`, { token: tokens[0]?.token });
    const text = await (await call('GET', '/metrics', { token: metricsToken })).text();
    assert.match(text, /^sextant_http_requests_total\{route="\/api\/v1\/datasets",method="GET",code="200"\} [1-9]/m);
    assert.match(text, /^sextant_http_requests_total\{route="unmatched",method="GET",code="404"\} [2-9]/m);
    assert.ok(!text.includes('/scan/me'));
    const check = promtoolCheckMetrics(text);
    assert.ok(check.ok, check.output);
  });

  test('/metrics needs the metrics token: none, a tenant\'s API token or a wrong one get a 401', async () => {
    const missing = await call('GET', '/metrics');
    assert.equal(missing.status, 401);
    assert.match(((await missing.json()) as { error: string }).error, /auth\.metricsToken/);
    assert.equal((await call('GET', '/metrics', { token: tokens[0]!.token })).status, 401);
    assert.equal((await call('GET', '/metrics', { token: `${metricsToken}x` })).status, 401);
    const ok = await call('GET', '/metrics', { token: metricsToken });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /^# HELP sextant_http_requests_total/m);
  });

  test('without auth.metricsToken, /metrics refuses everyone and says what to set', async () => {
    const app = createApp({ registry: new Registry(), families: new SeriesFamilies(), log: createLogger('error', () => {}), tokens, metricsToken: undefined, isReady: () => true, bodyLimitBytes: 1024, requestTimeoutMs: 1000, apiRouters: [] });
    const bare = await listen(app);
    try {
      for (const token of [undefined, tokens[0]!.token, metricsToken]) {
        const res = await fetch(`${bare.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        assert.equal(res.status, 401);
        assert.match(((await res.json()) as { error: string }).error, /no metrics token is configured: set auth\.metricsToken/);
      }
    } finally {
      await bare.close();
    }
  });

  test('unknown routes are 404 JSON', async () => {
    const res = await call('GET', '/nowhere');
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'no route for GET /nowhere' });
  });

  test('requests are logged as JSON with the client\'s token name, never the token', async () => {
    await call('GET', `${API_PREFIX}/datasets`, { token: tokens[0]?.token });
    const entry = logLines.map((line) => JSON.parse(line)).find((e) => e.msg === 'request' && e.path === '/api/v1/datasets' && e.status === 200);
    assert.equal(entry?.client, 'viewer-a');
    assert.equal(entry?.tenant, 'a');
    assert.ok(!logLines.join('').includes('token-of-viewer'));
  });
});
