import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_METRICS, scenario } from './scenario.js';
import { traffic } from './seasonality.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
// 2026-11-23, a Monday, 00:00 UTC.
const monday = Date.UTC(2026, 10, 23);

test('a window regenerated alone, or inside a larger one, has the same values', () => {
  const demo = scenario(7);
  for (const metric of DEMO_METRICS) {
    const whole = demo.series(metric, { start: monday, end: monday + 3 * 60 * MINUTE }, MINUTE);
    const part = demo.series(metric, { start: monday + 60 * MINUTE, end: monday + 120 * MINUTE }, MINUTE);
    for (const [i, series] of part.entries()) {
      const inWhole = whole[i]!.samples.filter((s) => s.t >= monday + 60 * MINUTE && s.t < monday + 120 * MINUTE);
      assert.deepEqual(series.samples, inWhole, metric);
      assert.deepEqual(series.labels, whole[i]!.labels);
    }
  }
  assert.deepEqual(scenario(7).series('http_error_ratio', { start: monday, end: monday + DAY }, MINUTE), demo.series('http_error_ratio', { start: monday, end: monday + DAY }, MINUTE));
});

test('series sample the multiples of the step inside the half-open range', () => {
  const [first] = scenario(1).series('up', { start: monday + 30_000, end: monday + 5 * MINUTE }, MINUTE);
  assert.deepEqual(first!.samples.map((s) => s.t), [1, 2, 3, 4].map((k) => monday + k * MINUTE));
});

test('another seed is another scenario', () => {
  const range = { start: monday, end: monday + 14 * DAY };
  const a = scenario(1);
  const b = scenario(2);
  assert.notDeepEqual(a.series('node_cpu_utilisation_ratio', range, 5 * MINUTE), b.series('node_cpu_utilisation_ratio', range, 5 * MINUTE));
  assert.notDeepEqual(a.incidents(range).map((i) => i.start), b.incidents(range).map((i) => i.start));
});

test('any 14 days hold a complete occurrence of every incident kind, none overlapping another', () => {
  for (const seed of [1, 2, 3, 42]) {
    const demo = scenario(seed);
    for (let offset = 0; offset < 20 * DAY; offset += 37 * 3_600_000) {
      const range = { start: monday + offset, end: monday + offset + 14 * DAY };
      const incidents = demo.incidents(range);
      const complete = new Set(incidents.filter((i) => i.start >= range.start && i.end <= range.end).map((i) => i.kind));
      assert.deepEqual([...complete].sort(), ['dependency_slowdown', 'disk_fill', 'error_burst', 'flapping', 'latency_regression', 'memory_leak', 'oom_restart'], `seed ${seed}`);
      for (let i = 1; i < incidents.length; i += 1) assert.ok(incidents[i]!.start >= incidents[i - 1]!.end, 'incidents overlap');
    }
  }
});

test('each incident shows in its metrics', () => {
  const demo = scenario(3);
  const incidents = demo.incidents({ start: monday, end: monday + 14 * DAY });
  const at = (kind: string) => incidents.find((i) => i.kind === kind)!;
  const leak = at('memory_leak');
  const rss = (t: number) => demo.value('process_resident_memory_bytes', { job: leak.entity, instance: demo.services.find((s) => s.name === leak.entity)!.instance }, t);
  assert.ok(rss(leak.end - MINUTE)! > 2.5 * 1024 ** 3, 'memory reaches the limit before the OOM');
  assert.ok(rss(leak.start - MINUTE)! < 1024 ** 3);
  const restart = at('oom_restart');
  assert.equal(restart.start, leak.end);
  assert.equal(rss(restart.start), undefined, 'the killed process has no samples');
  assert.equal(demo.value('up', { job: leak.entity, instance: demo.services.find((s) => s.name === leak.entity)!.instance }, restart.start), 0);
  assert.ok(rss(restart.end)! < 1024 ** 3, 'memory is back to normal after the restart');

  const fill = at('disk_fill');
  assert.ok(demo.value('node_filesystem_used_ratio', fill.labels, fill.end - MINUTE)! > 0.93);
  assert.ok(demo.value('node_filesystem_used_ratio', fill.labels, fill.end)! < 0.8);

  const slow = at('latency_regression');
  const p95 = (t: number) => demo.value('http_request_duration_p95_seconds', { job: slow.entity, service: slow.entity }, t)!;
  assert.ok(p95(slow.start + 60 * MINUTE) > 2 * p95(slow.start - 60 * MINUTE));

  const burst = at('error_burst');
  const errors = (t: number) => demo.value('http_error_ratio', { job: burst.entity, service: burst.entity }, t)!;
  assert.ok(errors(burst.start + MINUTE) > 0.08);
  // Its precursor: the dependency slows down first, latency climbing and a few requests timing out,
  // yet below the 10 % a critical alert fires on.
  const slowdown = incidents.find((i) => i.kind === 'dependency_slowdown' && i.end === burst.start)!;
  assert.ok(slowdown && slowdown.entity === burst.entity && slowdown.severity === 'warning', 'the burst has its slowdown');
  const burstP95 = (t: number) => demo.value('http_request_duration_p95_seconds', { job: burst.entity, service: burst.entity }, t)!;
  assert.ok(burstP95(burst.start - 2 * MINUTE) > 1.5 * burstP95(slowdown.start - 2 * MINUTE), 'latency climbs before the burst');
  const slowdownErrors = demo.series('http_error_ratio', slowdown, MINUTE).find((s) => s.labels.job === burst.entity)!.samples;
  assert.ok(slowdownErrors.at(-1)!.v > 0.02 && slowdownErrors.every((p) => p.v < 0.1), `error ratio before the burst: ${slowdownErrors.at(-1)!.v}`);

  const flap = at('flapping');
  const cpu = demo.series('node_cpu_utilisation_ratio', { start: flap.start, end: flap.end }, MINUTE).find((s) => s.labels.instance === flap.labels.instance)!;
  const crossings = cpu.samples.filter((s, i) => i > 0 && (s.v > 0.9) !== (cpu.samples[i - 1]!.v > 0.9)).length;
  assert.ok(crossings >= 20, `cpu crosses 90% ${crossings} times`);
});

test('demand is seasonal: weekday afternoons are busier than nights and weekends', () => {
  const saturday = monday + 5 * DAY;
  assert.ok(traffic(monday + 15 * 3_600_000) > 1.3);
  assert.ok(traffic(monday + 3 * 3_600_000) < 0.7);
  assert.ok(traffic(saturday + 15 * 3_600_000) < 0.8 * traffic(monday + 15 * 3_600_000));
});

test('values stay in their natural ranges', () => {
  const demo = scenario(5);
  const range = { start: monday, end: monday + 10 * DAY };
  for (const metric of ['node_cpu_utilisation_ratio', 'node_memory_used_ratio', 'node_filesystem_used_ratio', 'http_error_ratio'] as const) {
    for (const series of demo.series(metric, range, 7 * MINUTE)) {
      for (const { v } of series.samples) assert.ok(v >= 0 && v <= 1, `${metric} ${v}`);
    }
  }
});
