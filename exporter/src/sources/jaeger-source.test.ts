import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Series } from '@sextant/core';
import { readFixture, startFixtureServer, type FixtureAnswer, type FixtureRequest } from '../../../tests/support/fixture-server.js';
import { createLogger } from '../log.js';
import { createJaegerSource, windowEnds, type JaegerSourceOptions } from './jaeger-source.js';
import { SourceError, type DatasetDefinition } from './metrics-source.js';

const fixture = (name: string): unknown => readFixture(import.meta.url, `fixtures/jaeger/${name}`);
const step = 60_000;
const firstWindowStart = 1_700_000_040_000;
const end1 = firstWindowStart + step;
const end2 = end1 + step;
const range = { start: end1, end: end2 + 1 };
const dataset: DatasetDefinition = { name: 'traces', tenant: 't', query: 'checkout', keepLabels: ['service', 'operation', 'measure'], stepMs: step };

/** Jaeger's internal API as documented, over the two windows of the fixtures. */
function v1Jaeger(traces: (window: number) => FixtureAnswer = (w) => ({ body: fixture(`traces-window${w}.json`) })) {
  return (request: FixtureRequest): FixtureAnswer => {
    if (request.path.startsWith('/api/v3/')) return { status: 404, body: '404 page not found' };
    if (request.path === '/api/services') return { body: fixture('services.json') };
    if (request.path === '/api/services/checkout/operations') return { body: fixture('operations-checkout.json') };
    if (request.path.startsWith('/api/services/')) return { body: { data: [], total: 0, limit: 0, offset: 0, errors: null } };
    if (request.path === '/api/traces') {
      if (request.query.get('service') !== 'checkout') return { body: fixture('traces-empty.json') };
      return traces(Number(request.query.get('start')) === firstWindowStart * 1000 ? 1 : 2);
    }
    return { status: 404, body: '404 page not found' };
  };
}

function v3Jaeger(traces: (window: number) => FixtureAnswer = (w) => ({ body: fixture(`v3-traces-window${w}.json`) })) {
  return (request: FixtureRequest): FixtureAnswer => {
    if (request.path === '/api/v3/services') return { body: fixture('v3-services.json') };
    if (request.path === '/api/v3/operations') {
      return request.query.get('service') === 'checkout' ? { body: fixture('v3-operations-checkout.json') } : { body: { operations: [] } };
    }
    if (request.path === '/api/v3/traces') {
      if (request.query.get('query.service_name') !== 'checkout') return { status: 404, body: fixture('v3-not-found.json') };
      return traces(request.query.get('query.start_time_min') === new Date(firstWindowStart).toISOString() ? 1 : 2);
    }
    return { status: 404, body: '404 page not found' };
  };
}

async function withJaeger(
  answer: (request: FixtureRequest) => FixtureAnswer,
  options: Partial<JaegerSourceOptions>,
  body: (jaeger: ReturnType<typeof createJaegerSource>, requests: FixtureRequest[]) => Promise<void>,
): Promise<void> {
  const server = await startFixtureServer(answer);
  try {
    await body(createJaegerSource({ url: server.url, backoffMs: 1, ...options }), server.requests);
  } finally {
    await server.close();
  }
}

async function rejectsWithSourceError(promise: Promise<unknown>, retryable: boolean, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SourceError, `expected a SourceError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    return;
  }
  assert.fail('expected a SourceError');
}

function valuesOf(series: Series[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const s of series) out[`${s.labels.service}|${s.labels.operation ?? ''}|${s.labels.measure}`] = s.samples.map(({ t, v }) => [t, v]);
  return out;
}

function assertClose(actual: [number, number][] | undefined, expected: [number, number][], what: string): void {
  assert.ok(actual, `no series ${what}`);
  assert.equal(actual.length, expected.length, what);
  actual.forEach(([t, v], i) => {
    assert.equal(t, expected[i]![0], what);
    assert.ok(Math.abs(v - expected[i]![1]) < 1e-9, `${what} at ${t}: ${v} != ${expected[i]![1]}`);
  });
}

/**
 * Worked out by hand from the fixtures. Window 1: POST /pay has a failed 100 ms span in a trace
 * sampled at 0.5 (counts 2), and unsampled 40 ms and 60 ms spans; its 30 ms span starting exactly at
 * the window's end belongs to window 2. GET /cart has one failed 5 ms span. GET /health is idle.
 */
function assertFixtureMeasures(series: Series[]): void {
  const v = valuesOf(series);
  assertClose(v['checkout||traces_sampled'], [[end1, 3], [end2, 1]], 'traces_sampled');
  assertClose(v['checkout||trace_limit_reached'], [[end1, 0], [end2, 0]], 'trace_limit_reached');
  assertClose(v['checkout|POST /pay|spans_estimated'], [[end1, 4], [end2, 1]], 'POST spans');
  assertClose(v['checkout|POST /pay|errors_estimated'], [[end1, 2], [end2, 0]], 'POST errors');
  assertClose(v['checkout|POST /pay|error_ratio'], [[end1, 0.5], [end2, 0]], 'POST error ratio');
  assertClose(v['checkout|POST /pay|duration_p50_seconds'], [[end1, 0.06], [end2, 0.03]], 'POST p50');
  assertClose(v['checkout|POST /pay|duration_p95_seconds'], [[end1, 0.096], [end2, 0.03]], 'POST p95');
  assertClose(v['checkout|POST /pay|duration_p99_seconds'], [[end1, 0.0992], [end2, 0.03]], 'POST p99');
  assertClose(v['checkout|GET /cart|errors_estimated'], [[end1, 1], [end2, 0]], 'cart errors');
  assertClose(v['checkout|GET /cart|duration_p95_seconds'], [[end1, 0.005]], 'cart p95');
  assertClose(v['checkout|GET /health|spans_estimated'], [[end1, 0], [end2, 0]], 'idle operation');
  assert.equal(v['checkout|GET /health|error_ratio'], undefined);
  assert.equal(v['frontend|GET /checkout|spans_estimated'], undefined, 'spans of other services are theirs to count');
}

test('internal API: traces per window become sampling-weighted measures per operation', async () => {
  await withJaeger(v1Jaeger(), { api: 'v1', tenant: 'team-a' }, async (jaeger, requests) => {
    assertFixtureMeasures(await jaeger.queryRange(dataset, range));
    const searches = requests.filter((r) => r.path === '/api/traces');
    assert.deepEqual(
      searches.map((r) => [r.query.get('service'), r.query.get('start'), r.query.get('end'), r.query.get('limit')]).sort(),
      [
        ['checkout', String(firstWindowStart * 1000), String(end1 * 1000), '200'],
        ['checkout', String(end1 * 1000), String(end2 * 1000), '200'],
      ],
    );
    assert.ok(requests.every((r) => r.headers['x-tenant'] === 'team-a'));
  });
});

test('api_v3: the same traces in OTLP JSON give the same series', async () => {
  let fromV1: Series[] = [];
  await withJaeger(v1Jaeger(), { api: 'v1' }, async (jaeger) => {
    fromV1 = await jaeger.queryRange(dataset, range);
  });
  await withJaeger(v3Jaeger(), { api: 'v3' }, async (jaeger, requests) => {
    const fromV3 = await jaeger.queryRange(dataset, range);
    assertFixtureMeasures(fromV3);
    assert.deepEqual(fromV3, fromV1);
    const search = requests.find((r) => r.path === '/api/v3/traces')!;
    assert.equal(search.query.get('query.service_name'), 'checkout');
    assert.equal(search.query.get('query.search_depth'), '200');
    assert.match(search.query.get('query.start_time_max')!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

test('auto picks api_v3 when Jaeger has it and the internal API when /api/v3 is 404', async () => {
  await withJaeger(v3Jaeger(), {}, async (jaeger, requests) => {
    assertFixtureMeasures(await jaeger.queryRange(dataset, range));
    assert.ok(!requests.some((r) => r.path === '/api/traces'));
  });
  await withJaeger(v1Jaeger(), {}, async (jaeger, requests) => {
    assertFixtureMeasures(await jaeger.queryRange(dataset, range));
    assert.equal(requests.filter((r) => r.path === '/api/v3/services').length, 1);
  });
});

test('"*" covers every service Jaeger lists except Jaeger itself', async () => {
  await withJaeger(v1Jaeger(), { api: 'v1' }, async (jaeger, requests) => {
    assert.deepEqual(await jaeger.services(), ['checkout', 'frontend']);
    const series = await jaeger.queryRange({ ...dataset, query: '*' }, range);
    assert.deepEqual([...new Set(series.map((s) => s.labels.service))].sort(), ['checkout', 'frontend']);
    assert.deepEqual([...new Set(requests.filter((r) => r.path === '/api/traces').map((r) => r.query.get('service')))].sort(), ['checkout', 'frontend']);
  });
});

test('reaching the trace limit is reported per window', async () => {
  await withJaeger(v1Jaeger(), { api: 'v1', maxTracesPerWindow: 3 }, async (jaeger, requests) => {
    const v = valuesOf(await jaeger.queryRange(dataset, range));
    assert.deepEqual(v['checkout||trace_limit_reached'], [[end1, 1], [end2, 0]]);
    assert.ok(requests.filter((r) => r.path === '/api/traces').every((r) => r.query.get('limit') === '3'));
  });
});

test('spans without sampler tags count 1/p of the configured sampling probability', async () => {
  await withJaeger(v1Jaeger(), { api: 'v1', samplingProbability: 0.25 }, async (jaeger) => {
    const v = valuesOf(await jaeger.queryRange(dataset, range));
    // Trace a1 states 0.5 itself (2); b2 and c3 use the configured 0.25 (4 each).
    assert.deepEqual(v['checkout|POST /pay|spans_estimated'], [[end1, 10], [end2, 4]]);
  });
});

test('partial failures Jaeger reports beside its data are logged and the data used', async () => {
  const lines: string[] = [];
  await withJaeger(
    v1Jaeger((w) => ({ body: fixture(w === 1 ? 'traces-empty.json' : 'traces-partial.json') })),
    { api: 'v1', log: createLogger('info', (line) => lines.push(line)) },
    async (jaeger) => {
      const v = valuesOf(await jaeger.queryRange(dataset, range));
      assert.deepEqual(v['checkout|POST /pay|spans_estimated'], [[end1, 0], [end2, 1]]);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /failed to load trace: context deadline exceeded \(trace d4d4/);
    },
  );
});

test('api_v3 "trace not found" means no traces in the window', async () => {
  await withJaeger(v3Jaeger(() => ({ status: 404, body: fixture('v3-not-found.json') })), { api: 'v3' }, async (jaeger) => {
    const v = valuesOf(await jaeger.queryRange(dataset, range));
    assert.deepEqual(v['checkout||traces_sampled'], [[end1, 0], [end2, 0]]);
    assert.deepEqual(v['checkout|POST /pay|spans_estimated'], [[end1, 0], [end2, 0]]);
  });
});

test('api_v3 answers streamed as several documents, one per line, are joined', async () => {
  const chunks = (w: number): FixtureAnswer => {
    const { result } = fixture(`v3-traces-window${w}.json`) as { result: { resourceSpans: unknown[] } };
    const lines = result.resourceSpans.map((resource) => JSON.stringify({ result: { resourceSpans: [resource] } }));
    return { body: `${lines.join('\n')}\n` };
  };
  await withJaeger(v3Jaeger(chunks), { api: 'v3' }, async (jaeger) => assertFixtureMeasures(await jaeger.queryRange(dataset, range)));
});

test('a stream that ends in an error is refused as incomplete, retryable', async () => {
  const broken = (): FixtureAnswer => ({
    body: `${JSON.stringify(fixture('v3-traces-window2.json'))}\n${JSON.stringify({ error: { grpcCode: 4, httpCode: 504, message: 'context deadline exceeded', httpStatus: 'Gateway Timeout' } })}\n`,
  });
  await withJaeger(v3Jaeger(broken), { api: 'v3' }, (jaeger) => rejectsWithSourceError(jaeger.queryRange(dataset, range), true, /stream failed: context deadline exceeded/));
});

test("Jaeger's own error answer is a non-retryable SourceError quoting it", async () => {
  await withJaeger(v1Jaeger(() => ({ status: 400, body: fixture('error-400.json') })), { api: 'v1', retries: 3 }, async (jaeger, requests) => {
    await rejectsWithSourceError(jaeger.queryRange(dataset, range), false, /HTTP 400: unable to parse param 'start'/);
    assert.equal(requests.filter((r) => r.path === '/api/traces').length, 1);
  });
  await withJaeger(v3Jaeger(() => ({ status: 400, body: { error: { httpCode: 400, message: 'malformed parameter query.num_traces' } } })), { api: 'v3' }, (jaeger) =>
    rejectsWithSourceError(jaeger.queryRange(dataset, range), false, /HTTP 400: malformed parameter query\.num_traces/),
  );
});

test('an overloaded Jaeger is retried, then reported as retryable', async () => {
  let calls = 0;
  await withJaeger(
    v1Jaeger((w) => (++calls === 1 ? { status: 503, body: 'upstream unavailable' } : { body: fixture(`traces-window${w}.json`) })),
    { api: 'v1', retries: 1, concurrency: 1 },
    async (jaeger) => assertFixtureMeasures(await jaeger.queryRange(dataset, range)),
  );
  await withJaeger(v1Jaeger(() => ({ status: 503, body: 'upstream unavailable' })), { api: 'v1', retries: 1 }, (jaeger) =>
    rejectsWithSourceError(jaeger.queryRange(dataset, range), true, /failed 2 time\(s\), last: HTTP 503/),
  );
});

const window1 = (): Record<string, unknown> => structuredClone(fixture('traces-window1.json')) as Record<string, unknown>;
const firstSpan = (body: Record<string, unknown>): Record<string, unknown> =>
  ((body.data as Record<string, unknown>[])[0]!.spans as Record<string, unknown>[])[0]!;
const malformedV1: [string, () => unknown][] = [
  ['a body that is not JSON', () => '<html><body>502 Bad Gateway</body></html>'],
  ['data that is not a list', () => ({ data: { traces: [] }, errors: null })],
  ['a trace without processes', () => ({ data: [{ traceID: 'x', spans: [] }], errors: null })],
  ['a span whose process is missing', () => { const b = window1(); firstSpan(b).processID = 'p9'; return b; }],
  ['a start time as a string', () => { const b = window1(); firstSpan(b).startTime = '1700000050000000'; return b; }],
  ['a span without operation name', () => { const b = window1(); delete firstSpan(b).operationName; return b; }],
];

for (const [what, body] of malformedV1) {
  test(`internal API: a malformed answer (${what}) is a retryable SourceError, not a crash`, async () => {
    await withJaeger(v1Jaeger((w) => (w === 1 ? { body: body() } : { body: fixture('traces-empty.json') })), { api: 'v1' }, (jaeger) =>
      rejectsWithSourceError(jaeger.queryRange(dataset, range), true, /malformed answer/),
    );
  });
}

const malformedV3: [string, unknown][] = [
  ['no resourceSpans', { result: { spans: [] } }],
  ['a resource without service.name', { result: { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [] }] } }],
  ['a span ending before it starts', { result: { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] }, scopeSpans: [{ spans: [{ traceId: 'a', name: 'x', startTimeUnixNano: '2000', endTimeUnixNano: '1000' }] }] }] } }],
  ['a services list that is not one', { services: 'checkout' }],
];

for (const [what, body] of malformedV3) {
  test(`api_v3: a malformed answer (${what}) is a retryable SourceError, not a crash`, async () => {
    const services = (body as { services?: unknown }).services !== undefined;
    const answer = (request: FixtureRequest): FixtureAnswer =>
      services && request.path === '/api/v3/services' ? { body } : v3Jaeger(() => ({ body }))(request);
    await withJaeger(answer, { api: 'v3' }, (jaeger) =>
      rejectsWithSourceError(jaeger.queryRange({ ...dataset, query: services ? '*' : 'checkout' }, range), true, /malformed answer/),
    );
  });
}

test('windows end at the step-aligned instants of the half-open range', () => {
  assert.deepEqual(windowEnds({ start: 61, end: 240 }, 60), [120, 180]);
  assert.deepEqual(windowEnds({ start: 60, end: 60 }, 60), []);
  assert.throws(() => windowEnds({ start: 0, end: 10 }, 0), SourceError);
});

test('a query that names no service is refused', async () => {
  await withJaeger(v1Jaeger(), { api: 'v1' }, (jaeger) => rejectsWithSourceError(jaeger.queryRange({ ...dataset, query: ' , ' }, range), false, /comma-separated list of services/));
});
