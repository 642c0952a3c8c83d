import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario } from '@sextant/core/demo';
import { defaultDatasets } from './default-datasets.js';
import { createDemoSource, demoDatasets } from './demo-source.js';

const M = 60_000;
const now = Date.UTC(2026, 10, 25, 6, 30, 20);

test('the demo answers every default dataset by the same name, labels reduced to keepLabels', async () => {
  assert.deepEqual(demoDatasets('t1').map((d) => d.name), defaultDatasets('t1').map((d) => d.name));
  const source = createDemoSource({ seed: 1, now: () => now });
  for (const dataset of demoDatasets('t1')) {
    const series = await source.queryRange(dataset, { start: now - 10 * M, end: now - M });
    assert.ok(series.length >= 3, dataset.name);
    for (const s of series) {
      for (const name of Object.keys(s.labels)) assert.ok(dataset.keepLabels.includes(name), `${dataset.name} ${name}`);
      assert.ok(s.samples.every((p) => p.t % dataset.stepMs === 0 && p.t >= now - 10 * M && p.t < now - M));
    }
  }
});

test('values are the scenario of the same seed', async () => {
  const source = createDemoSource({ seed: 4, now: () => now });
  const [dataset] = demoDatasets('default').filter((d) => d.name === 'http_requests_per_second');
  const got = await source.queryRange(dataset!, { start: now - 60 * M, end: now });
  assert.deepEqual(got, scenario(4).series('http_requests_per_second', { start: now - 60 * M, end: now }, M));
});

test('never a point later than now', async () => {
  const source = createDemoSource({ seed: 1, now: () => now });
  const [up] = demoDatasets('default');
  const series = await source.queryRange(up!, { start: now - 5 * M, end: now + 60 * M });
  const last = Math.max(...series.flatMap((s) => s.samples.map((p) => p.t)));
  assert.equal(last, Math.floor(now / M) * M);
  assert.deepEqual(await source.queryRange(up!, { start: now + M, end: now + 60 * M }), []);
});

test('a dataset the demo does not have is a clear error', async () => {
  const source = createDemoSource({ seed: 1, now: () => now });
  await assert.rejects(
    source.queryRange({ name: 'custom_thing', tenant: 'default', query: 'x', keepLabels: [], stepMs: M }, { start: 0, end: M }),
    /dataset "custom_thing" is not part of the demo \(it has: up, node_cpu/,
  );
});
