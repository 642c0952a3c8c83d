import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoLogLines, demoLogSeries } from './logs.js';
import { scenario } from './scenario.js';
import { demoSpans } from './traces.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const monday = Date.UTC(2026, 10, 23);
const world = scenario(1);
const incidents = world.incidents({ start: monday, end: monday + 14 * 24 * HOUR });
const burst = incidents.find((i) => i.kind === 'error_burst')!;
const slowdown = incidents.find((i) => i.kind === 'dependency_slowdown' && i.end === burst.start)!;
const regression = incidents.find((i) => i.kind === 'latency_regression')!;

const perMinute = (service: string, level: string, start: number, end: number): number[] =>
  demoLogSeries(world, { start, end }, MINUTE).find((s) => s.labels.service === service && s.labels.level === level)!.samples.map((s) => s.v);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('the counts per minute are the lines written in each minute', () => {
  const start = monday + 9 * HOUR;
  const lines = demoLogLines(world, { start, end: start + 10 * MINUTE });
  const series = demoLogSeries(world, { start: start + MINUTE, end: start + 10 * MINUTE + 1 }, MINUTE);
  assert.equal(series.length, world.services.length * 3);
  for (const s of series) {
    for (const { t, v } of s.samples) {
      const written = lines.filter((l) => l.service === s.labels.service && l.level === s.labels.level && l.t >= t - MINUTE && l.t < t).length;
      assert.equal(v, written, `${s.labels.service} ${s.labels.level} at ${t}`);
    }
  }
  assert.ok(lines.some((l) => l.level === 'info'));
});

test('the error burst shows as error lines, with the traces of traced failures', () => {
  const before = perMinute(burst.entity, 'error', slowdown.start - HOUR, slowdown.start);
  const during = perMinute(burst.entity, 'error', burst.start + MINUTE, burst.end + 1);
  assert.ok(median(during) > 20 * Math.max(1, median(before)), `errors/min during ${median(during)}, before ${median(before)}`);
  const lines = demoLogLines(world, { start: burst.start, end: burst.start + 5 * MINUTE });
  const failed = new Set(demoSpans(world, { start: burst.start, end: burst.start + 5 * MINUTE }).filter((s) => s.error).map((s) => s.traceId));
  const linked = lines.filter((l) => l.traceId !== undefined);
  assert.ok(linked.length > 0 && linked.every((l) => l.level === 'error' && failed.has(l.traceId!)));
});

test('the slowdown before the error burst shows as more and more errors and slow requests', () => {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const third = (slowdown.end - slowdown.start) / 3;
  for (const level of ['error', 'warn']) {
    const first = sum(perMinute(burst.entity, level, slowdown.start + MINUTE, slowdown.start + third + 1));
    const last = sum(perMinute(burst.entity, level, slowdown.end - third + MINUTE, slowdown.end + 1));
    assert.ok(last > 2 * Math.max(1, first), `${level} lines in the first third of the slowdown ${first}, in the last ${last}`);
  }
});

test('the latency regression shows as warnings about slow requests', () => {
  const before = perMinute(regression.entity, 'warn', regression.start - HOUR, regression.start);
  const during = perMinute(regression.entity, 'warn', regression.start + 10 * MINUTE, regression.start + 70 * MINUTE);
  assert.ok(median(during) > 4 * Math.max(1, median(before)), `warnings/min during ${median(during)}, before ${median(before)}`);
});

test('only the asked levels are reported', () => {
  const series = demoLogSeries(world, { start: monday, end: monday + 5 * MINUTE }, MINUTE, ['error']);
  assert.deepEqual([...new Set(series.map((s) => s.labels.level))], ['error']);
});
