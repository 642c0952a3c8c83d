import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture, startFixtureServer, type FixtureAnswer, type FixtureRequest } from '../../../tests/support/fixture-server.js';
import { createLogger } from '../log.js';
import { chunkRange, createLokiSource, type LokiSourceOptions } from './loki-source.js';
import { SourceError, type DatasetDefinition } from './metrics-source.js';

const fixture = (name: string): unknown => readFixture(import.meta.url, `fixtures/loki/${name}`);
const minute = 60_000;
const dataset: DatasetDefinition = {
  name: 'log_lines',
  tenant: 'team-a',
  query: 'sum by (service, level) (count_over_time({service=~".+"} [1m]))',
  keepLabels: ['service', 'level'],
  stepMs: minute,
};
// The matrix fixture's samples are at 1700000040, ...100 and ...160 seconds.
const fixtureRange = { start: 1_700_000_040_000, end: 1_700_000_220_000 };

async function withLoki(
  answer: (request: FixtureRequest) => FixtureAnswer,
  options: Partial<LokiSourceOptions>,
  body: (source: ReturnType<typeof createLokiSource>, requests: FixtureRequest[]) => Promise<void>,
): Promise<void> {
  const server = await startFixtureServer(answer);
  try {
    await body(createLokiSource({ url: server.url, backoffMs: 1, ...options }), server.requests);
  } finally {
    await server.close();
  }
}

async function rejectsWithSourceError(promise: Promise<unknown>, retryable: boolean, pattern: RegExp): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SourceError, `expected a SourceError, got ${String(error)}`);
    assert.equal(error.retryable, retryable, error.message);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected a SourceError');
}

test('a matrix answer becomes series in milliseconds, with tenant, auth and nanosecond range sent to Loki', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-matrix.json') }),
    { orgId: 'tenant-1|tenant-2', auth: { username: 'reader', password: 's3cret' } },
    async (loki, requests) => {
      const series = await loki.queryRange(dataset, fixtureRange);
      assert.deepEqual(series, [
        { labels: { service: 'checkout', level: 'info' }, samples: [{ t: 1_700_000_040_000, v: 120 }, { t: 1_700_000_100_000, v: 131 }, { t: 1_700_000_160_000, v: 127 }] },
        { labels: { service: 'checkout', level: 'error' }, samples: [{ t: 1_700_000_040_000, v: 2 }, { t: 1_700_000_160_000, v: 9 }] },
        { labels: { service: 'frontend', level: 'info' }, samples: [{ t: 1_700_000_040_000, v: 310.5 }, { t: 1_700_000_100_000, v: 298 }, { t: 1_700_000_160_000, v: 305 }] },
      ]);
      assert.equal(requests.length, 1);
      const request = requests[0]!;
      assert.equal(request.path, '/loki/api/v1/query_range');
      assert.equal(request.query.get('query'), dataset.query);
      assert.equal(request.query.get('start'), '1700000040000000000');
      assert.equal(request.query.get('end'), '1700000160000000000');
      assert.equal(request.query.get('step'), '60');
      assert.equal(request.headers['x-scope-orgid'], 'tenant-1|tenant-2');
      assert.equal(request.headers.authorization, `Basic ${Buffer.from('reader:s3cret').toString('base64')}`);
    },
  );
});

test('labels outside keepLabels are dropped and samples outside the half-open range are not returned', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-matrix.json') }),
    {},
    async (loki) => {
      const series = await loki.queryRange({ ...dataset, keepLabels: ['service', 'level'] }, { start: 1_700_000_100_000, end: 1_700_000_160_000 });
      assert.deepEqual(
        series.map((s) => [s.labels, s.samples.map((p) => p.t)]),
        [
          [{ service: 'checkout', level: 'info' }, [1_700_000_100_000]],
          [{ service: 'frontend', level: 'info' }, [1_700_000_100_000]],
        ],
      );
    },
  );
});

test('an empty matrix gives no series', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-empty.json') }),
    {},
    async (loki) => assert.deepEqual(await loki.queryRange(dataset, fixtureRange), []),
  );
});

test('Loki warnings are logged and the data still returned', async () => {
  const lines: string[] = [];
  await withLoki(
    () => ({ body: fixture('query_range-warnings.json') }),
    { log: createLogger('info', (line) => lines.push(line)) },
    async (loki) => {
      const series = await loki.queryRange(dataset, fixtureRange);
      assert.deepEqual(series, [{ labels: { service: 'checkout', level: 'error' }, samples: [{ t: 1_700_000_040_000, v: 4 }] }]);
      assert.equal(lines.length, 1);
      const record = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.equal(record.level, 'warn');
      assert.equal(record.warning, 'maximum of series (50) reached for variant (0)');
    },
  );
});

// Answers a matrix for whatever range is asked, with value = minutes since epoch, so that the joined
// result can be checked against an independent count of the step-aligned instants of the range.
function generatedMatrix(request: FixtureRequest): FixtureAnswer {
  const start = Number(BigInt(request.query.get('start')!) / 1_000_000n);
  const end = Number(BigInt(request.query.get('end')!) / 1_000_000n);
  const step = Number(request.query.get('step')) * 1000;
  if ((end - start) / step > 11_000) return { status: 400, body: 'exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value of the step parameter' };
  const values: [number, string][] = [];
  for (let t = start; t <= end; t += step) values.push([t / 1000, String(t / minute)]);
  return { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 'api', level: 'info' }, values }], stats: {} } } };
}

test('a long range is split into requests within the points limit, and joined without gaps or duplicates', async () => {
  const range = { start: Date.UTC(2026, 0, 1, 0, 0, 30), end: Date.UTC(2026, 0, 4) };
  await withLoki(generatedMatrix, { maxPointsPerQuery: 1000 }, async (loki, requests) => {
    const [series] = await loki.queryRange(dataset, range);
    const expected: number[] = [];
    for (let t = Date.UTC(2026, 0, 1, 0, 1); t < range.end; t += minute) expected.push(t);
    assert.deepEqual(series!.samples.map((s) => s.t), expected);
    assert.ok(series!.samples.every((s) => s.v === s.t / minute));
    assert.equal(requests.length, Math.ceil(expected.length / 1000));
    for (const request of requests) {
      const points = Number(BigInt(request.query.get('end')!) - BigInt(request.query.get('start')!)) / 1e6 / minute + 1;
      assert.ok(points <= 1000, `request with ${points} points`);
    }
  });
});

test('with the default limits a 90-day range at 1h steps stays within 720h per request', async () => {
  const range = { start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 3, 1) };
  await withLoki(generatedMatrix, {}, async (loki, requests) => {
    const [series] = await loki.queryRange({ ...dataset, stepMs: 3600_000 }, range);
    assert.equal(series!.samples.length, (range.end - range.start) / 3600_000);
    assert.equal(requests.length, 3);
    for (const request of requests) {
      const lengthMs = Number(BigInt(request.query.get('end')!) - BigInt(request.query.get('start')!)) / 1e6;
      assert.ok(lengthMs <= 720 * 3600_000);
    }
  });
});

test('chunkRange covers each aligned instant of the range exactly once', () => {
  const chunks = chunkRange({ start: 5, end: 1000 }, 10, { maxQueryLengthMs: 1e9, maxPointsPerQuery: 7 });
  const instants = chunks.flatMap(({ first, last }) => Array.from({ length: (last - first) / 10 + 1 }, (_, i) => first + i * 10));
  assert.deepEqual(instants, Array.from({ length: 99 }, (_, i) => 10 + i * 10));
  assert.deepEqual(chunkRange({ start: 20, end: 20 }, 10, { maxQueryLengthMs: 1e9, maxPointsPerQuery: 7 }), []);
});

test('a query limit error from Loki is a clear, non-retryable SourceError and is not retried', async () => {
  await withLoki(
    () => ({ status: 400, body: 'maximum of series (500) reached for a single query' }),
    { retries: 3 },
    async (loki, requests) => {
      const error = await rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), false, /maximum of series \(500\) reached/);
      assert.match(error.message, /dataset "log_lines"/);
      assert.match(error.message, /HTTP 400/);
      assert.equal(requests.length, 1);
    },
  );
});

test('the query length limit error is reported with what Loki said', async () => {
  await withLoki(
    () => ({ status: 400, body: 'the query time range exceeds the limit (query length: 745h0m0s, limit: 721h0m0s)' }),
    {},
    (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), false, /query time range exceeds the limit/).then(() => undefined),
  );
});

test('a 503 is retried with backoff and the later answer used', async () => {
  let calls = 0;
  await withLoki(
    () => (++calls === 1 ? { status: 503, body: 'too many outstanding requests' } : { body: fixture('query_range-matrix.json') }),
    { retries: 2 },
    async (loki, requests) => {
      const series = await loki.queryRange(dataset, fixtureRange);
      assert.equal(series.length, 3);
      assert.equal(requests.length, 2);
    },
  );
});

test('a backend that keeps failing gives a retryable SourceError after every attempt', async () => {
  await withLoki(
    () => ({ status: 504, body: 'request timed out, decrease the duration of the request' }),
    { retries: 2 },
    async (loki, requests) => {
      await rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), true, /failed 3 time\(s\), last: HTTP 504: request timed out/);
      assert.equal(requests.length, 3);
    },
  );
});

test('a Loki that does not answer in time gives a retryable SourceError', async () => {
  await withLoki(
    () => ({ hang: true }),
    { retries: 0, timeoutMs: 100 },
    (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), true, /no answer within 100 ms/).then(() => undefined),
  );
});

test('nothing listening gives a retryable SourceError naming the address', async () => {
  const loki = createLokiSource({ url: 'http://127.0.0.1:9', retries: 0 });
  await rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), true, /GET http:\/\/127\.0\.0\.1:9\/loki\/api\/v1\/query_range failed/);
});

test('an aborted query stops with the abort reason, not a SourceError', async () => {
  await withLoki(
    () => ({ hang: true }),
    { retries: 0, timeoutMs: 10_000 },
    async (loki) => {
      const controller = new AbortController();
      const pending = loki.queryRange(dataset, fixtureRange, controller.signal);
      setTimeout(() => controller.abort(new Error('shutting down')), 20);
      await assert.rejects(pending, /shutting down/);
    },
  );
});

test('a log query (streams answer) is refused with advice to use a metric query', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-streams.json') }),
    {},
    (loki) => rejectsWithSourceError(loki.queryRange({ ...dataset, query: '{job="varlogs"}' }, fixtureRange), false, /is a log query.*count_over_time/).then(() => undefined),
  );
});

const malformed: [string, unknown][] = [
  ['a body that is not JSON', '<html>502 Bad Gateway</html>'],
  ['no data', { status: 'success' }],
  ['a vector where a matrix belongs', { status: 'success', data: { resultType: 'vector', result: [] } }],
  ['result not an array', { status: 'success', data: { resultType: 'matrix', result: {} } }],
  ['a series without values', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {} }] } }],
  ['a timestamp as a string', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [['1700000040', '1']] }] } }],
  ['a value that is not a number', { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1700000040, 'many']] }] } }],
  ['a label value that is not a string', { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 7 }, values: [] }] } }],
];

for (const [what, body] of malformed) {
  test(`a malformed answer (${what}) is a retryable SourceError saying so, not a crash`, async () => {
    await withLoki(
      () => ({ status: 200, body }),
      {},
      (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), true, /malformed answer|not JSON/).then(() => undefined),
    );
  });
}

test('an error status in a JSON body is reported', async () => {
  await withLoki(
    () => ({ body: { status: 'error', errorType: 'bad_data', error: 'parse error at line 1, col 5' } }),
    {},
    (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), false, /parse error at line 1, col 5/).then(() => undefined),
  );
});

test('series that would merge once labels are dropped are refused instead of mixed', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-matrix.json') }),
    {},
    (loki) =>
      rejectsWithSourceError(loki.queryRange({ ...dataset, keepLabels: ['service'] }, fixtureRange), false, /become \{service="checkout"\} once reduced/).then(
        () => undefined,
      ),
  );
});

test('more series than maxSeries is refused', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-matrix.json') }),
    { maxSeries: 2 },
    (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), false, /more than 2 series/).then(() => undefined),
  );
});

test('a body larger than maxResponseBytes is refused', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-matrix.json') }),
    { maxResponseBytes: 100 },
    (loki) => rejectsWithSourceError(loki.queryRange(dataset, fixtureRange), false, /more than 100 bytes/).then(() => undefined),
  );
});

test('a bearer token is sent as such', async () => {
  await withLoki(
    () => ({ body: fixture('query_range-empty.json') }),
    { auth: { bearerToken: 'glc_abc' } },
    async (loki, requests) => {
      await loki.queryRange(dataset, fixtureRange);
      assert.equal(requests[0]!.headers.authorization, 'Bearer glc_abc');
      assert.equal(requests[0]!.headers['x-scope-orgid'], undefined);
    },
  );
});

test('values out of order or repeated are sorted, one per instant', async () => {
  const values = [[1_700_000_100, '2'], [1_700_000_040, '1'], [1_700_000_100, '3']];
  await withLoki(
    () => ({ body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 'a', level: 'info' }, values }] } } }),
    {},
    async (loki) => {
      const [series] = await loki.queryRange(dataset, fixtureRange);
      assert.deepEqual(series!.samples, [{ t: 1_700_000_040_000, v: 1 }, { t: 1_700_000_100_000, v: 3 }]);
    },
  );
});
