import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileSorted } from '../traces/index.js';
import { scenario } from './scenario.js';
import { DEMO_TRACE_SAMPLING, demoOperations, demoSpans } from './traces.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const monday = Date.UTC(2026, 10, 23);
const world = scenario(1);
const incidents = world.incidents({ start: monday, end: monday + 14 * 24 * HOUR });
// The busiest burst (highest request rate at its start): sampled traces hold enough failed requests to
// compare their share with the metrics'.
const bursts = incidents.filter((i) => i.kind === 'error_burst');
const busiest = (i: (typeof bursts)[number]) => world.value('http_requests_per_second', { job: i.entity, service: i.entity }, i.start)!;
const burst = bursts.reduce((a, b) => (busiest(b) > busiest(a) ? b : a));
const slowdown = incidents.find((i) => i.kind === 'dependency_slowdown' && i.end === burst.start)!;
const regression = incidents.find((i) => i.kind === 'latency_regression')!;

const roots = (service: string, start: number, end: number) =>
  demoSpans(world, { start, end }).filter((s) => s.service === service && s.kind === 'server');
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const scenarioMean = (metric: 'http_error_ratio' | 'http_request_duration_p95_seconds' | 'http_requests_per_second', service: string, start: number, end: number): number =>
  mean(world.series(metric, { start, end }, MINUTE).find((s) => s.labels.service === service)!.samples.map((s) => s.v));

test('a window regenerated alone has the same spans as inside a larger one', () => {
  const whole = demoSpans(world, { start: monday, end: monday + 10 * MINUTE });
  const part = demoSpans(world, { start: monday + 3 * MINUTE + 500, end: monday + 7 * MINUTE });
  assert.deepEqual(part, whole.filter((s) => {
    const root = s.kind === 'server' ? s : whole.find((r) => r.spanId === s.parentSpanId)!;
    return root.startMs >= monday + 3 * MINUTE + 500 && root.startMs < monday + 7 * MINUTE;
  }));
  assert.ok(part.length > 100);
});

test('sampled traces, each counting 1/p, add up to the requests of the metrics', () => {
  const start = monday + 10 * HOUR;
  const hour = demoSpans(world, { start, end: start + HOUR });
  for (const service of world.services) {
    const spans = hour.filter((s) => s.service === service.name && s.kind === 'server');
    const requests = scenarioMean('http_requests_per_second', service.name, start, start + HOUR) * 3600;
    assert.ok(Math.abs(spans.length / DEMO_TRACE_SAMPLING / requests - 1) < 0.05, `${service.name}: ${spans.length / DEMO_TRACE_SAMPLING} vs ${requests}`);
    assert.ok(spans.every((s) => s.samplingProbability === DEMO_TRACE_SAMPLING && demoOperations(service.name).includes(s.operation)));
  }
});

test('the error burst shows as failed spans, as often as the metrics say', () => {
  const during = roots(burst.entity, burst.start, burst.end);
  const ratio = during.filter((s) => s.error).length / during.length;
  const expected = scenarioMean('http_error_ratio', burst.entity, burst.start, burst.end);
  assert.ok(Math.abs(ratio - expected) < 0.03, `error ratio ${ratio} vs ${expected}`);
  // Before the dependency began to slow down: the usual few failures.
  const before = roots(burst.entity, slowdown.start - HOUR, slowdown.start);
  assert.ok(before.filter((s) => s.error).length / before.length < 0.02);
});

test('the latency regression shows in trace percentiles', () => {
  // After the 5-minute ramp, for half an hour.
  const start = regression.start + 10 * MINUTE;
  const p95Of = (from: number) => quantileSorted(roots(regression.entity, from, from + 30 * MINUTE).map((s) => s.durationMs / 1000).sort((a, b) => a - b), 0.95);
  const during = p95Of(start);
  const before = p95Of(regression.start - HOUR);
  const expected = scenarioMean('http_request_duration_p95_seconds', regression.entity, start, start + 30 * MINUTE);
  assert.ok(Math.abs(during / expected - 1) < 0.2, `p95 ${during} vs the metrics' ${expected}`);
  assert.ok(during / before > 2, `p95 during ${during}, before ${before}`);
});
