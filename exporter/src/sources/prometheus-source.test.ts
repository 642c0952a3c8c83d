// The source's HTTP behaviour against a small server answering in Prometheus' documented format; the
// real Prometheus is exercised by tests/ingest*.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrometheusSource, PrometheusQueryError } from './prometheus-source.js';
import type { DatasetDefinition } from './metrics-source.js';

type Handler = (params: URLSearchParams, req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler) {
  const calls: URLSearchParams[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      calls.push(params);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => (inFlight -= 1));
      handler(params, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, maxInFlight: () => maxInFlight, close: () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }) };
}

/** Answers like Prometheus for `value = t` on one series {job="a",instance="x"}. */
function matrix(params: URLSearchParams, res: ServerResponse): void {
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  const step = Number(params.get('step'));
  const values: Array<[number, string]> = [];
  for (let t = start; t <= end; t += step) values.push([t, String(t)]);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { job: 'a', instance: 'x' }, values }] } }));
}

const dataset: DatasetDefinition = { name: 'd', tenant: 'default', query: 'up{job="a"}', keepLabels: ['job'], stepMs: 1_000 };
const noWait = { random: () => 0, sleep: async () => {} };

test('a range is fetched in chunks within the points limit, under the concurrency cap, and reassembled', async () => {
  // Answers held 100 ms, so that calls overlap whenever the source lets them.
  const server = await serve((params, _req, res) => setTimeout(() => matrix(params, res), 100));
  try {
    const source = createPrometheusSource({ url: server.url, maxPointsPerQuery: 100, concurrency: 3, headers: { 'X-Scope-OrgID': 't1' } });
    const series = await source.queryRange(dataset, { start: 1_000_000, end: 2_000_000 });
    assert.equal(server.calls.length, 10);
    assert.ok(server.maxInFlight() <= 3 && server.maxInFlight() >= 2, `in flight ${server.maxInFlight()}`);
    assert.equal(server.calls[0]!.get('query'), 'up{job="a"}');
    assert.deepEqual(series.map((s) => s.labels), [{ job: 'a' }]);
    assert.deepEqual(series[0]!.samples.map((s) => s.t), Array.from({ length: 1000 }, (_, i) => 1_000_000 + i * 1_000));
    assert.ok(series[0]!.samples.every((s) => s.v * 1000 === s.t));
  } finally {
    await server.close();
  }
});

test('5xx and 429 are retried with backoff; a 400 is not', async () => {
  let calls = 0;
  const server = await serve((params, _req, res) => {
    calls += 1;
    if (params.get('query') === 'bad(') {
      res.statusCode = 400;
      res.end('{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}');
    } else if (calls === 1) {
      res.statusCode = 503;
      res.end('busy');
    } else if (calls === 2) {
      res.statusCode = 429;
      res.end('slow down');
    } else matrix(params, res);
  });
  try {
    const waits: number[] = [];
    const source = createPrometheusSource({ url: server.url, retries: 3, backoffMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) });
    const series = await source.queryRange(dataset, { start: 0, end: 5_000 });
    assert.equal(series[0]!.samples.length, 5);
    assert.deepEqual(waits, [50, 100], 'full jitter under a doubling ceiling');
    calls = 0;
    const error = await source.queryRange({ ...dataset, query: 'bad(' }, { start: 0, end: 5_000 }).catch((e: unknown) => e);
    assert.ok(error instanceof PrometheusQueryError);
    assert.equal(error.reason, 'http_4xx');
    assert.equal(error.retryable, false);
    assert.match(error.message, /HTTP 400 \(bad_data: 1:5: parse error: unclosed left parenthesis\) for the query "bad\(" of dataset "d" over 1970-01-01T00:00:00.000Z..1970-01-01T00:00:04.000Z step 1s/);
    assert.equal(calls, 1);
  } finally {
    await server.close();
  }
});

test('retries give up after the configured attempts with the last reason', async () => {
  const server = await serve((_params, _req, res) => {
    res.statusCode = 502;
    res.end('<html>Bad Gateway</html>');
  });
  try {
    const source = createPrometheusSource({ url: server.url, retries: 2, ...noWait });
    await assert.rejects(source.queryRange(dataset, { start: 0, end: 5_000 }), (error: PrometheusQueryError) => {
      assert.equal(error.reason, 'http_5xx');
      assert.match(error.message, /HTTP 502 \("<html>Bad Gateway<\/html>"\) .* \(after 3 attempts\)/);
      return true;
    });
    assert.equal(server.calls.length, 3);
  } finally {
    await server.close();
  }
});

test('a call slower than the timeout fails as a timeout and is retried', async () => {
  // A call that never gets an answer: no race with the machine's speed, only the timeout ends it.
  let hang = 1;
  const server = await serve((params, _req, res) => {
    if (hang > 0) hang -= 1;
    else matrix(params, res);
  });
  try {
    const source = createPrometheusSource({ url: server.url, timeoutMs: 1_500, retries: 1, ...noWait });
    const series = await source.queryRange(dataset, { start: 0, end: 3_000 });
    assert.equal(series[0]!.samples.length, 3);
    assert.equal(server.calls.length, 2);
    hang = Infinity;
    const once = createPrometheusSource({ url: server.url, timeoutMs: 1_500, retries: 0, ...noWait });
    await assert.rejects(once.queryRange(dataset, { start: 0, end: 3_000 }), (error: PrometheusQueryError) => {
      assert.equal(error.reason, 'timeout');
      assert.match(error.message, /no answer within 1500 ms to the query/);
      return true;
    });
  } finally {
    await server.close();
  }
});

test('an unreachable Prometheus is a network error; garbage is a bad_response naming the query', async () => {
  const closed = await serve(() => {});
  await closed.close();
  const down = createPrometheusSource({ url: closed.url, retries: 1, ...noWait });
  await assert.rejects(down.queryRange(dataset, { start: 0, end: 3_000 }), (error: PrometheusQueryError) => error.reason === 'network' && /ECONNREFUSED/.test(error.message));
  const server = await serve((_params, _req, res) => res.end('{"status":"success","data":{"resultType":"vector","result":[]}}'));
  try {
    const source = createPrometheusSource({ url: server.url, ...noWait });
    await assert.rejects(source.queryRange(dataset, { start: 0, end: 3_000 }), (error: PrometheusQueryError) => {
      assert.equal(error.reason, 'bad_response');
      assert.match(error.message, /invalid answer to the query "up\{job=\\"a\\"\}" of dataset "d" .*: resultType is "vector", expected "matrix"/);
      return true;
    });
  } finally {
    await server.close();
  }
});

test('an abort from the caller stops at once, without retrying', async () => {
  const controller = new AbortController();
  // The caller gives up while Prometheus is still working on the call.
  const server = await serve(() => controller.abort(new Error('shutting down')));
  try {
    const source = createPrometheusSource({ url: server.url, retries: 5, ...noWait });
    await assert.rejects(source.queryRange(dataset, { start: 0, end: 3_000 }, controller.signal), /shutting down/);
    assert.equal(server.calls.length, 1);
  } finally {
    await server.close();
  }
});
