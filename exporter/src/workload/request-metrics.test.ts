import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario } from '@sextant/core/demo';
import { createRequestMetrics } from './request-metrics.js';

const MINUTE = 60_000;

test('counters add up the requests and errors the scenario sets, and the buckets its p95', () => {
  const world = scenario(1);
  const start = Date.UTC(2026, 10, 23, 14);
  const metrics = createRequestMetrics(world);
  // Advanced in uneven pieces, as ticks come: the total must not depend on them.
  for (let t = start; t < start + 10 * MINUTE; t += 7_300) metrics.advance(t, Math.min(t + 7_300, start + 10 * MINUTE));
  const text = metrics.render();
  const value = (selector: string): number => Number(new RegExp(`^${selector.replace(/[{}+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
  for (const service of world.services) {
    const of = (metric: 'http_requests_per_second' | 'http_error_ratio') =>
      world.series(metric, { start, end: start + 10 * MINUTE }, MINUTE).find((s) => s.labels.service === service.name)!.samples;
    const rates = of('http_requests_per_second');
    const requests = rates.reduce((sum, p) => sum + p.v * 60, 0);
    const errors = rates.reduce((sum, p, i) => sum + p.v * 60 * of('http_error_ratio')[i]!.v, 0);
    const ok = value(`http_request_duration_seconds_count{service="${service.name}",code="200"}`);
    const failed = value(`http_request_duration_seconds_count{service="${service.name}",code="503"}`);
    assert.ok(Math.abs(ok + failed - requests) <= 2, `${service.name}: ${ok + failed} counted, ${requests} requested`);
    assert.ok(Math.abs(failed - errors) <= 1, `${service.name}: ${failed} failed, ${errors} expected`);
    // 95% of requests are at or below the scenario's p95: the bucket bounds around it bracket 0.95.
    const p95 = world.series('http_request_duration_p95_seconds', { start, end: start + MINUTE }, MINUTE).find((s) => s.labels.service === service.name)!.samples[0]!.v;
    const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    const below = bounds.filter((le) => le < p95).at(-1)!;
    const above = bounds.find((le) => le >= p95)!;
    const share = (le: number) => value(`http_request_duration_seconds_bucket{service="${service.name}",code="200",le="${le}"}`) / ok;
    assert.ok(share(below) < 0.95 && share(above) >= 0.94, `${service.name}: p95 ${p95} not between buckets ${below} and ${above}`);
  }
});
