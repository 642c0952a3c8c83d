import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario } from '@sextant/core/demo';
import { createDemoLogSource } from './loki-demo.js';
import { defaultLokiStreams, lokiDefaultDatasets } from './loki-datasets.js';
import { SourceError } from './metrics-source.js';

const MINUTE = 60_000;
const monday = Date.UTC(2026, 10, 23);
const incidents = scenario(1).incidents({ start: monday, end: monday + 14 * 86_400_000 });
const burst = incidents.find((i) => i.kind === 'error_burst')!;
// The dependency slows down before it goes down: "before" is before that slowdown.
const slowdown = incidents.find((i) => i.kind === 'dependency_slowdown' && i.end === burst.start)!;
const [lines, errors] = lokiDefaultDatasets('default', defaultLokiStreams);

test('the demo answers the default log datasets, error lines rising in the burst', async () => {
  const demo = createDemoLogSource({ seed: 1, now: () => burst.end + 60 * MINUTE });
  const before = await demo.queryRange(errors!, { start: slowdown.start - 30 * MINUTE, end: slowdown.start });
  const during = await demo.queryRange(errors!, { start: burst.start + MINUTE, end: burst.end });
  assert.deepEqual([...new Set(during.map((s) => s.labels.level))], ['error']);
  const total = (series: typeof during) => series.filter((s) => s.labels.service === burst.entity).flatMap((s) => s.samples).reduce((sum, p) => sum + p.v, 0);
  assert.ok(total(during) / 24 > 10 * Math.max(1, total(before) / 30), `errors/min during ${total(during) / 24}, before ${total(before) / 30}`);
  const all = await demo.queryRange(lines!, { start: burst.start - 10 * MINUTE, end: burst.start });
  assert.deepEqual([...new Set(all.map((s) => s.labels.level))].sort(), ['error', 'info', 'warn']);
});

test('a dataset the demo does not have is a clear SourceError', async () => {
  const demo = createDemoLogSource({ seed: 1, now: () => monday });
  await assert.rejects(demo.queryRange({ ...lines!, name: 'nginx_lines' }, { start: monday - MINUTE * 5, end: monday }), (error: unknown) => {
    assert.ok(error instanceof SourceError);
    assert.match(error.message, /"nginx_lines" is not part of the demo \(it has: log_lines, log_error_lines\)/);
    return true;
  });
});
