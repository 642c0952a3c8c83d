import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operationMeasuresOf, traceSeries, type ServiceWindow } from './aggregate.js';
import { quantileSorted } from './quantile.js';
import { jaegerSamplerProbability } from './sampling.js';
import type { SpanRecord } from './span.js';

const span = (over: Partial<SpanRecord>): SpanRecord => ({
  traceId: 't',
  service: 'checkout',
  operation: 'POST /pay',
  startMs: 1000,
  durationMs: 10,
  error: false,
  samplingProbability: 1,
  ...over,
});

test('quantiles interpolate between closest ranks like DuckDB quantile_cont and NumPy', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  // NumPy: np.quantile(np.arange(1, 11), 0.95) == 9.55
  assert.ok(Math.abs(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) - 9.55) < 1e-12);
  assert.equal(quantileSorted([7], 0.99), 7);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
});

test('per operation: counts, errors, ratio and percentiles of the spans in the window, in seconds', () => {
  // 100 spans of 1..100 ms; every 10th fails.
  const spans = Array.from({ length: 100 }, (_, i) => span({ durationMs: i + 1, error: (i + 1) % 10 === 0, traceId: `t${i}` }));
  const window: ServiceWindow = { service: 'checkout', start: 0, end: 60_000, operations: [], spans, tracesFetched: 100, limitReached: false };
  const measures = operationMeasuresOf(window).get('POST /pay')!;
  assert.equal(measures.get('spans_estimated'), 100);
  assert.equal(measures.get('errors_estimated'), 10);
  assert.equal(measures.get('error_ratio'), 0.1);
  // Ranks (n-1)q: 49.5 -> 50.5 ms, 94.05 -> 95.05 ms, 98.01 -> 99.01 ms.
  assert.ok(Math.abs(measures.get('duration_p50_seconds')! - 0.0505) < 1e-12);
  assert.ok(Math.abs(measures.get('duration_p95_seconds')! - 0.09505) < 1e-12);
  assert.ok(Math.abs(measures.get('duration_p99_seconds')! - 0.09901) < 1e-12);
});

test('sampled spans count 1/p each, and the error ratio is weighted the same way', () => {
  const spans = [
    span({ samplingProbability: 0.1, error: true }),
    span({ samplingProbability: 0.1 }),
    span({ samplingProbability: 0.5 }),
  ];
  const measures = operationMeasuresOf({ service: 'checkout', start: 0, end: 60_000, operations: [], spans, tracesFetched: 3, limitReached: false }).get('POST /pay')!;
  assert.equal(measures.get('spans_estimated'), 22);
  assert.equal(measures.get('errors_estimated'), 10);
  assert.equal(measures.get('error_ratio'), 10 / 22);
});

test('spans of other services and outside the window are ignored; known idle operations report zero', () => {
  const spans = [
    span({ startMs: 0 }),
    span({ startMs: 59_999 }),
    span({ startMs: 60_000 }),
    span({ startMs: -1 }),
    span({ service: 'payments', operation: 'charge' }),
    span({ samplingProbability: 0 }),
  ];
  const measures = operationMeasuresOf({ service: 'checkout', start: 0, end: 60_000, operations: ['GET /cart'], spans, tracesFetched: 4, limitReached: false });
  assert.deepEqual([...measures.keys()], ['GET /cart', 'POST /pay']);
  assert.equal(measures.get('POST /pay')!.get('spans_estimated'), 3);
  assert.deepEqual(Object.fromEntries(measures.get('GET /cart')!), { spans_estimated: 0, errors_estimated: 0 });
});

test('series carry one sample per window at its end, and per service how many traces and whether the limit was hit', () => {
  const windows: ServiceWindow[] = [
    { service: 'checkout', start: 60_000, end: 120_000, operations: ['GET /cart'], spans: [span({ startMs: 61_000, durationMs: 250 })], tracesFetched: 1, limitReached: false },
    { service: 'checkout', start: 0, end: 60_000, operations: ['GET /cart'], spans: [], tracesFetched: 0, limitReached: true },
  ];
  const series = traceSeries(windows);
  const find = (labels: Record<string, string>) => series.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.samples;
  assert.deepEqual(find({ service: 'checkout', measure: 'traces_sampled' }), [{ t: 60_000, v: 0 }, { t: 120_000, v: 1 }]);
  assert.deepEqual(find({ service: 'checkout', measure: 'trace_limit_reached' }), [{ t: 60_000, v: 1 }, { t: 120_000, v: 0 }]);
  assert.deepEqual(find({ service: 'checkout', operation: 'POST /pay', measure: 'spans_estimated' }), [{ t: 120_000, v: 1 }]);
  assert.deepEqual(find({ service: 'checkout', operation: 'POST /pay', measure: 'duration_p99_seconds' }), [{ t: 120_000, v: 0.25 }]);
  assert.deepEqual(find({ service: 'checkout', operation: 'GET /cart', measure: 'spans_estimated' }), [{ t: 60_000, v: 0 }, { t: 120_000, v: 0 }]);
  assert.equal(find({ service: 'checkout', operation: 'GET /cart', measure: 'duration_p50_seconds' }), undefined);
});

test("Jaeger sampler tags give the trace's probability; unknown samplers fall back to the configured one", () => {
  assert.equal(jaegerSamplerProbability('probabilistic', 0.25, 1), 0.25);
  assert.equal(jaegerSamplerProbability('probabilistic', '0.5', 1), 0.5);
  assert.equal(jaegerSamplerProbability('const', true, 0.3), 1);
  assert.equal(jaegerSamplerProbability('ratelimiting', 2, 0.3), 0.3);
  assert.equal(jaegerSamplerProbability('probabilistic', 0, 0.3), 0.3);
  assert.equal(jaegerSamplerProbability(undefined, undefined, 1), 1);
});
