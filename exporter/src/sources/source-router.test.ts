import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DatasetDefinition, MetricsSource } from './metrics-source.js';
import { SourceError } from './metrics-source.js';
import { routeDatasets } from './source-router.js';

const dataset = (name: string, tenant = 't'): DatasetDefinition => ({ name, tenant, query: name, keepLabels: [], stepMs: 60_000 });
const answering = (name: string): MetricsSource => ({
  name,
  queryRange: async (d) => [{ labels: { from: name, dataset: d.name }, samples: [] }],
});

test('each dataset is answered by its own source', async () => {
  const { source, datasets } = routeDatasets([
    { source: answering('prometheus'), datasets: [dataset('up')] },
    undefined,
    { source: answering('loki'), datasets: [dataset('log_lines')] },
  ]);
  assert.equal(source.name, 'prometheus+loki');
  assert.deepEqual(datasets.map((d) => d.name), ['up', 'log_lines']);
  assert.deepEqual((await source.queryRange(dataset('log_lines'), { start: 0, end: 1 }))[0]!.labels, { from: 'loki', dataset: 'log_lines' });
  assert.deepEqual((await source.queryRange(dataset('up'), { start: 0, end: 1 }))[0]!.labels, { from: 'prometheus', dataset: 'up' });
  await assert.rejects(source.queryRange(dataset('up', 'other'), { start: 0, end: 1 }), SourceError);
});

test('one dataset name from two sources is refused', () => {
  assert.throws(
    () => routeDatasets([{ source: answering('prometheus'), datasets: [dataset('traces')] }, { source: answering('jaeger'), datasets: [dataset('traces')] }]),
    /dataset "t\/traces" comes from both prometheus and jaeger/,
  );
});
