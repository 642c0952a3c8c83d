// Rates of the stack's sources on one ingest chunk (6h at a 1m step):
// - Loki: a query_range answer of 500 series served on loopback, fetched, checked and reduced by the
//   real client (points/s);
// - Jaeger: the core's aggregation of spans into per-operation measures (spans/s), over 3 services
//   with 200 traces of 2 spans per 1m window;
// - demo: generating the demo's sampled spans and log counts for the chunk.
// Results: bench/results/stack.md.
import { cpus } from 'node:os';
import { demoLogSeries, demoSpans, scenario } from '../src/demo/index.js';
import { traceSeries, type ServiceWindow, type SpanRecord } from '../src/traces/index.js';
import { createLokiSource } from '../exporter/src/sources/loki-source.js';
import { startFixtureServer } from '../tests/support/fixture-server.js';

const M = 60_000;
const H = 60 * M;
const SERIES = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const start = Date.UTC(2026, 10, 23, 6);
const end = start + 6 * H;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function lokiRate(): Promise<number> {
  const values: [number, string][] = [];
  for (let t = start; t < end; t += M) values.push([t / 1000, String((t / M) % 97)]);
  const body = JSON.stringify({
    status: 'success',
    data: { resultType: 'matrix', result: Array.from({ length: SERIES }, (_, s) => ({ metric: { service: `svc-${s}`, level: 'error' }, values })), stats: {} },
  });
  const server = await startFixtureServer(() => ({ body, headers: { 'content-type': 'application/json' } }));
  try {
    const loki = createLokiSource({ url: server.url });
    const dataset = { name: 'log_error_lines', tenant: 'bench', query: 'q', keepLabels: ['service', 'level'], stepMs: M };
    const seconds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) seconds.push(await timed(() => loki.queryRange(dataset, { start, end })));
    return (SERIES * values.length) / median(seconds);
  } finally {
    await server.close();
  }
}

function traceWindows(): ServiceWindow[] {
  const windows: ServiceWindow[] = [];
  for (const service of ['checkout', 'payments', 'search']) {
    for (let t = start + M; t <= end; t += M) {
      const spans: SpanRecord[] = [];
      for (let i = 0; i < 200; i++) {
        const base = { traceId: `${t}-${i}`, service, samplingProbability: 0.1, error: i % 37 === 0 };
        spans.push({ ...base, operation: i % 3 === 0 ? 'POST /pay' : 'GET /cart', startMs: t - M + i * 290, durationMs: 5 + ((i * 7919) % 400) });
        spans.push({ ...base, operation: 'db.query', startMs: t - M + i * 290 + 1, durationMs: 2 + ((i * 104729) % 50), error: false });
      }
      windows.push({ service, start: t - M, end: t, operations: ['GET /cart', 'POST /pay', 'db.query'], spans, tracesFetched: 200, limitReached: true });
    }
  }
  return windows;
}

const windows = traceWindows();
const spanCount = windows.reduce((sum, w) => sum + w.spans.length, 0);
const traceSeconds: number[] = [];
for (let round = 0; round < ROUNDS; round++) traceSeconds.push(await timed(() => traceSeries(windows)));
const world = scenario(1);
const demoSpanSeconds: number[] = [];
const demoLogSeconds: number[] = [];
let demoSpanCount = 0;
for (let round = 0; round < ROUNDS; round++) {
  demoSpanSeconds.push(await timed(() => (demoSpanCount = demoSpans(world, { start, end }).length)));
  demoLogSeconds.push(await timed(() => demoLogSeries(world, { start: start + M, end: end + 1 }, M)));
}
const loki = await lokiRate();

console.log(`machine: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString().slice(0, 10)}; median of ${ROUNDS} rounds`);
console.log(`loki: ${SERIES} series x 360 points through HTTP, parse, checks and label reduction: ${(loki / 1e6).toFixed(2)} M points/s`);
console.log(`traces: ${spanCount} spans (3 services x 360 windows x 200 traces) to series: ${(spanCount / median(traceSeconds) / 1e6).toFixed(2)} M spans/s`);
console.log(`demo: ${demoSpanCount} sampled spans for 6h in ${median(demoSpanSeconds).toFixed(2)} s; log counts for 6h in ${median(demoLogSeconds).toFixed(2)} s`);
