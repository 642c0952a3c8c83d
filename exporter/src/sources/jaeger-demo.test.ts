import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSpans, scenario } from '@sextant/core/demo';
import { createDemoTraceSource } from './jaeger-demo.js';
import type { DatasetDefinition } from './metrics-source.js';

const MINUTE = 60_000;
const monday = Date.UTC(2026, 10, 23);
const world = scenario(1);
// The busiest burst (highest request rate at its start): per-minute error ratios of sampled traces
// need enough requests per operation to be near the metrics'.
const bursts = world.incidents({ start: monday, end: monday + 14 * 86_400_000 }).filter((i) => i.kind === 'error_burst');
const busiest = (i: (typeof bursts)[number]) => world.value('http_requests_per_second', { job: i.entity, service: i.entity }, i.start)!;
const burst = bursts.reduce((a, b) => (busiest(b) > busiest(a) ? b : a));
const dataset: DatasetDefinition = { name: 'traces', tenant: 'default', query: '*', keepLabels: ['service', 'operation', 'measure'], stepMs: MINUTE };

test('demo traces show the error burst per operation, and estimate the requests of the metrics', async () => {
  const demo = createDemoTraceSource({ seed: 1, now: () => burst.end + 60 * MINUTE });
  const range = { start: burst.start + 5 * MINUTE, end: burst.start + 20 * MINUTE };
  const series = await demo.queryRange(dataset, range);
  const of = (service: string, measure: string) => series.filter((s) => s.labels.service === service && s.labels.measure === measure && s.labels.operation !== 'db.query');
  const ratios = of(burst.entity, 'error_ratio').flatMap((s) => s.samples.map((p) => p.v));
  const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  assert.ok(meanRatio > 0.07 && meanRatio < 0.17, `error ratio during the burst ${meanRatio}`);
  const spans = of(burst.entity, 'spans_estimated').flatMap((s) => s.samples).reduce((sum, p) => sum + p.v, 0);
  const rps = world.series('http_requests_per_second', { start: range.start - MINUTE, end: range.end - MINUTE }, MINUTE).find((s) => s.labels.service === burst.entity)!;
  const requests = rps.samples.reduce((sum, p) => sum + p.v * 60, 0);
  assert.ok(Math.abs(spans / requests - 1) < 0.15, `estimated ${spans} spans for ${requests} requests`);
  const ends = series.flatMap((s) => s.samples.map((p) => p.t));
  assert.ok(ends.every((t) => t >= range.start && t < range.end && t % MINUTE === 0));
});

test('the demo answers nothing for windows that have not ended', async () => {
  const demo = createDemoTraceSource({ seed: 1, now: () => monday + 10 * MINUTE + 30_000 });
  const series = await demo.queryRange(dataset, { start: monday + 9 * MINUTE, end: monday + 20 * MINUTE });
  assert.deepEqual([...new Set(series.flatMap((s) => s.samples.map((p) => p.t)))].sort(), [monday + 9 * MINUTE, monday + 10 * MINUTE]);
  assert.deepEqual(await demo.queryRange(dataset, { start: monday + 11 * MINUTE, end: monday + 20 * MINUTE }), []);
});

test('a whole 6h ingest chunk is answered (hundreds of thousands of spans)', async () => {
  const demo = createDemoTraceSource({ seed: 1, now: () => monday + 7 * 3_600_000 });
  const series = await demo.queryRange(dataset, { start: monday, end: monday + 6 * 3_600_000 });
  const sampled = series.filter((s) => s.labels.measure === 'traces_sampled').flatMap((s) => s.samples);
  assert.equal(sampled.length, 3 * 360);
  assert.ok(sampled.every((p) => p.v > 0));
  // Generated in pieces, the chunk still holds every sampled trace of the range, once per minute
  // window its spans start in (a db.query span can start in the next minute).
  const spans = demoSpans(world, { start: monday - MINUTE, end: monday + 6 * 3_600_000 - MINUTE });
  const traceWindows = new Set(spans.map((span) => `${span.traceId}/${Math.floor(span.startMs / MINUTE)}`));
  assert.equal(sampled.reduce((sum, p) => sum + p.v, 0), traceWindows.size);
});
