// Issue 13 item 4: input the API cannot use gets a 400 that names the parameter, never a 500 with the
// warehouse's text; a 500 carries only an error id, which the log has too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deflateSync, gzipSync, brotliCompressSync } from 'node:zlib';
import { Router } from 'express';
import { Registry } from 'prom-client';
import { BackfillRunner } from '../jobs/backfill-runner.js';
import { createWriteTurns } from '../jobs/write-turns.js';
import { createLogger } from '../log.js';
import { createDemoSource } from '../sources/demo-source.js';
import { createApp } from './app.js';
import { apiRouters } from './routes/index.js';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { testApiDeps } from './testing/api-deps.js';
import { listen } from './testing/listen.js';

const token = 'token-of-editor-a-0001';
const logLines: string[] = [];
let server: Awaited<ReturnType<typeof listen>>;
let closeDeps: () => Promise<void>;

before(async () => {
  const datasets = [{ name: 'up', tenant: 'a', query: 'up', keepLabels: ['job'], stepMs: 60_000 }];
  const api = await testApiDeps({ datasets });
  closeDeps = api.close;
  api.deps.backfills = new BackfillRunner({
    warehouse: api.deps.warehouse,
    source: createDemoSource({ seed: 1, now: Date.now }),
    datasets,
    turns: createWriteTurns(),
    registry: new Registry(),
    log: api.deps.log,
    now: Date.now,
    delayMs: 60_000,
    windowMs: 6 * 3_600_000,
    pointsRetentionMs: 30 * 86_400_000,
    maxRangeMs: 400 * 86_400_000,
  });
  const failing = Router().get('/explode', () => {
    throw new Error('IO Error: Could not read file "/var/lib/sextant/secret.duckdb": Binder Error');
  });
  const app = createApp({
    registry: new Registry(),
    families: new SeriesFamilies(),
    log: createLogger('error', (line) => logLines.push(line)),
    tokens: [{ name: 'editor-a', token, tenant: 'a', role: 'editor' }],
    metricsToken: undefined,
    isReady: () => true,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: 10_000,
    apiRouters: [...apiRouters(api.deps), failing],
  });
  server = await listen(app);
});
after(async () => {
  await server.close();
  await closeDeps();
});

async function call(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: typeof body === 'string' ? body : body && new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string; errorId?: string; received?: number } };
}

test('a Content-Encoding the body does not have is a 400 that says so, for gzip, deflate and br', async () => {
  for (const encoding of ['gzip', 'deflate', 'br', 'GZIP']) {
    const res = await call('POST', '/query', '{}', { 'content-encoding': encoding });
    assert.equal(res.status, 400, encoding);
    assert.match(res.body.error!, /does not decode as its Content-Encoding says/, encoding);
  }
});

test('bodies really compressed with gzip, deflate or br are decompressed and used', async () => {
  const webhook = (fingerprint: string) =>
    JSON.stringify({
      version: '4', status: 'firing', receiver: 'r', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', groupKey: 'k',
      alerts: [{ status: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint }],
    });
  const cases: [string, (b: Buffer) => Buffer][] = [['gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync]];
  for (const [i, [encoding, compress]] of cases.entries()) {
    const res = await call('POST', '/alerts/webhook', compress(Buffer.from(webhook(`${i}`.repeat(16)))), { 'content-encoding': encoding });
    assert.deepEqual([res.status, res.body], [200, { received: 1 }], encoding);
  }
  // The body limit applies to what the body decompresses to.
  const bomb = gzipSync(Buffer.from(JSON.stringify({ pad: 'x'.repeat(1_000_000) })));
  assert.ok(bomb.length < 64 * 1024);
  assert.equal((await call('POST', '/query', bomb, { 'content-encoding': 'gzip' })).status, 413);
});

test('times and durations out of range are 400s naming the parameter', async () => {
  const huge = '99999999999999999999';
  const cases: [string, RegExp][] = [
    [`/alerts/history?from=${huge}`, /query parameter from: .* outside the times/],
    [`/alerts/analysis?to=${huge}`, /query parameter to: .* outside the times/],
    [`/anomalies?from=${huge}`, /from: .* outside the times/],
    [`/anomalies?to=-5`, /to: got "-5"/],
    [`/export?dataset=up&from=99999999999d&level=1d`, /from: "99999999999d" is outside the times/],
    [`/alerts/history?from=-5`, /query parameter from: got "-5", expected an RFC 3339 time/],
  ];
  for (const [path, reason] of cases) {
    const res = await call('GET', path);
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error!, reason, path);
  }
});

test('a backfill longer than ingest.maxBackfill is a 400 naming the limit; a shorter one starts', async () => {
  // 1.8e24 was a 500 (found by the fuzz suite): an integer, so taken as Unix ms, which no date can show.
  for (const [body, reason] of [[{ from: 1.796532166813e24 }, /from: 1\.796532166813e\+24 is outside the times Sextant keeps/], [{ from: '2h', to: 8.64e15 + 1 }, /to: 8640000000000001 is outside the times/]] as const) {
    const res = await call('POST', '/backfill', JSON.stringify(body));
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error!, reason);
  }
  for (const from of [0, '401d', '1970-01-01']) {
    const res = await call('POST', '/backfill', JSON.stringify({ from }));
    assert.equal(res.status, 400, String(from));
    assert.match(res.body.error!, /is longer than ingest\.maxBackfill \(400d\)/, String(from));
  }
  const res = await call('POST', '/backfill', JSON.stringify({ from: '2h' }));
  assert.equal(res.status, 202, JSON.stringify(res.body));
  await call('DELETE', `/backfill/${(res.body as { backfill?: { id: string } }).backfill!.id}`);
});

test('a regex JavaScript accepts and RE2 (Prometheus, DuckDB) refuses is a 400 naming the matcher', async () => {
  for (const match of ['job=~"(?=a).*"', 'job!~"(a)\\\\1"', 'job=~"(?<!x)y"']) {
    const res = await call('GET', `/anomalies?match=${encodeURIComponent(match)}`);
    assert.equal(res.status, 400, match);
    assert.match(res.body.error!, /match .*lookaround or backreferences/, match);
  }
});

test('a 500 shows only an error id, and the log has the reason under the same id', async () => {
  const res = await call('GET', '/explode');
  assert.equal(res.status, 500);
  assert.match(res.body.errorId!, /^[0-9a-f-]{36}$/);
  assert.doesNotMatch(JSON.stringify(res.body), /duckdb|Binder|\/var\//i);
  const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.errorId === res.body.errorId);
  assert.match(String(logged?.error), /Binder Error/);
});

// Found by the fuzz suite (tests/fuzz.test.ts): `DELETE /api/v1/reference/%` was a 500, and then the
// audit trail's decodeURIComponent threw in the response's 'finish' handler and ended the process.
test('a path that is not percent-encoded UTF-8 is a 400, and the service lives on', async () => {
  for (const [method, path] of [['DELETE', '/reference/%'], ['POST', '/recommendations/%ZZ/apply'], ['POST', '/recommendations/%ED%A0%80/dismiss'], ['PUT', '/reference/%C0%AF']]) {
    const res = await call(method!, path!, method === 'POST' ? '{}' : undefined);
    assert.equal(res.status, 400, `${method} ${path}`);
    assert.match(res.body.error!, /is not valid: a part of it is not percent-encoded UTF-8/);
  }
  // The audit entries are written after the answer: give them a moment, then the service must still answer.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await call('POST', '/backfill', '{}')).status, 400);
});

// A body nested 100,000 deep parses (and fits 1 MB), but JSON.stringify (the audit trail, error messages) ran out of
// stack on it: a 500 from POST /backfill, and a RangeError in the audit trail that ended the process.
test('a body nested deeper than server.bodyMaxDepth is a 400 naming the limit, compressed or not', async () => {
  const deep = (depth: number) => `{"from":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  for (const path of ['/backfill', '/query', '/alerts/webhook', '/reports', '/recommendations/x/feedback']) {
    for (const body of [Buffer.from(deep(30_000)), gzipSync(deep(30_000))]) {
      const res = await call('POST', path, body, body[0] === 0x1f ? { 'content-encoding': 'gzip' } : {});
      assert.equal(res.status, 400, path);
      assert.match(res.body.error!, /nests arrays and objects more than 32 levels deep \(server\.bodyMaxDepth\)/, path);
    }
  }
  // Found by the fuzz suite: errors repeated whole values and every zod issue (a 259 KB error for a 5,000-key body).
  for (const [path, body] of [['/reports', { period: 'x'.repeat(50_000), format: 'html' }], ['/query', Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i]))], ['/backfill', { from: '7'.repeat(50_000) }]] as const) {
    const res = await call('POST', path, JSON.stringify(body));
    assert.equal(res.status, 400, path);
    assert.ok(res.body.error!.length < 2_000, `${path}: an error of ${res.body.error!.length} characters`);
  }
  // Brackets inside strings are text, not nesting; 32 levels are allowed.
  assert.equal((await call('POST', '/backfill', JSON.stringify({ from: '['.repeat(1000) }))).status, 400);
  assert.match((await call('POST', '/backfill', JSON.stringify({ from: '['.repeat(1000) }))).body.error!, /from: "\[{99}\.\.\. \(1002 characters\) is neither/, 'a long value is shown cut');
  assert.match((await call('POST', '/backfill', deep(31))).body.error!, /from: got \[\[\[/);
});
