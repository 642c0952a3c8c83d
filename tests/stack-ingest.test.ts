// Loki and Jaeger through the real ingest job into a real DuckDB warehouse: a malformed answer is an
// ingest run with an error and no progress, never a crash; the next run retries the window and lands it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createIngestJob } from '../exporter/src/jobs/ingest.js';
import { createLogger } from '../exporter/src/log.js';
import { createJaegerSource } from '../exporter/src/sources/jaeger-source.js';
import { defaultLokiStreams, lokiDefaultDatasets } from '../exporter/src/sources/loki-datasets.js';
import { createLokiSource } from '../exporter/src/sources/loki-source.js';
import type { DatasetDefinition, MetricsSource } from '../exporter/src/sources/metrics-source.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { readFixture, startFixtureServer, type FixtureAnswer, type FixtureRequest } from './support/fixture-server.js';

const MINUTE = 60_000;
const now = Date.UTC(2026, 10, 23, 12);
const quiet = createLogger('error', () => undefined);

async function twoRuns(source: MetricsSource, dataset: DatasetDefinition) {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-stack-ingest-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const job = createIngestJob({
      warehouse,
      source,
      datasets: [dataset],
      registry: new Registry(),
      log: quiet,
      now: () => now,
      intervalMs: MINUTE,
      delayMs: 0,
      initialLookbackMs: 5 * MINUTE,
    });
    await job.run(new AbortController().signal);
    const afterFirst = { runs: await warehouse.listIngestRuns(dataset.tenant, 10), watermark: await warehouse.watermark(dataset.tenant, dataset.name) };
    await job.run(new AbortController().signal);
    const afterSecond = { runs: await warehouse.listIngestRuns(dataset.tenant, 10), watermark: await warehouse.watermark(dataset.tenant, dataset.name) };
    return { afterFirst, afterSecond };
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('Loki: a malformed answer is a failed ingest run, and the next run lands the window', async () => {
  let calls = 0;
  const server = await startFixtureServer((request: FixtureRequest): FixtureAnswer => {
    if (++calls === 1) return { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 'checkout' } }] } } };
    const start = Number(BigInt(request.query.get('start')!) / 1_000_000n);
    const end = Number(BigInt(request.query.get('end')!) / 1_000_000n);
    const values: [number, string][] = [];
    for (let t = start; t <= end; t += MINUTE) values.push([t / 1000, '7']);
    return { body: { status: 'success', data: { resultType: 'matrix', result: [{ metric: { service: 'checkout', level: 'error' }, values }] } } };
  });
  try {
    const [, errorLines] = lokiDefaultDatasets('default', defaultLokiStreams);
    const { afterFirst, afterSecond } = await twoRuns(createLokiSource({ url: server.url, retries: 0 }), errorLines!);
    assert.equal(afterFirst.watermark, undefined);
    assert.equal(afterFirst.runs.length, 1);
    assert.equal(afterFirst.runs[0]!.status, 'error');
    assert.match(afterFirst.runs[0]!.error!, /loki: GET http:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/query_range for dataset "log_error_lines": malformed answer, data\.result\[0\] needs "metric" and "values"/);
    assert.equal(afterSecond.watermark, now);
    const ok = afterSecond.runs.find((r) => r.status === 'ok')!;
    assert.deepEqual(ok.window, { start: now - 5 * MINUTE, end: now });
    assert.equal(ok.rows, 5);
  } finally {
    await server.close();
  }
});

test('Jaeger: a malformed answer is a failed ingest run, and the next run lands the window', async () => {
  let traceCalls = 0;
  const server = await startFixtureServer((request: FixtureRequest): FixtureAnswer => {
    if (request.path === '/api/services') return { body: { data: ['checkout'], total: 1, limit: 0, offset: 0, errors: null } };
    if (request.path === '/api/services/checkout/operations') return { body: { data: ['POST /pay'], total: 1, limit: 0, offset: 0, errors: null } };
    if (request.path === '/api/traces') {
      if (++traceCalls === 1) return { body: { data: [{ traceID: 'x', spans: [{ operationName: 'POST /pay' }] }], errors: null } };
      return { body: readFixture(new URL('../exporter/src/sources/', import.meta.url).href, 'fixtures/jaeger/traces-empty.json') };
    }
    return { status: 404, body: '404 page not found' };
  });
  try {
    const dataset: DatasetDefinition = { name: 'traces', tenant: 'default', query: '*', keepLabels: ['service', 'operation', 'measure'], stepMs: MINUTE };
    const { afterFirst, afterSecond } = await twoRuns(createJaegerSource({ url: server.url, api: 'v1', retries: 0, concurrency: 1 }), dataset);
    assert.equal(afterFirst.watermark, undefined);
    assert.equal(afterFirst.runs[0]!.status, 'error');
    assert.match(afterFirst.runs[0]!.error!, /jaeger: GET http:\/\/127\.0\.0\.1:\d+\/api\/traces \(service "checkout", .*\): malformed answer, data\[0\] needs "traceID", "spans" and "processes"/);
    assert.equal(afterSecond.watermark, now);
    // 5 windows: per service traces_sampled and trace_limit_reached, per operation spans and errors (zero).
    assert.equal(afterSecond.runs.find((r) => r.status === 'ok')!.rows, 5 * 4);
  } finally {
    await server.close();
  }
});
