import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetsFromConfig, type IngestConfigView, ingestTimingFromConfig, sourceFromConfig } from './ingest-setup.js';

const base: IngestConfigView = {
  source: {
    kind: 'prometheus',
    demo: { seed: 1 },
    prometheus: { url: 'http://prom:9090', timeout: 30_000, concurrency: 4, maxPointsPerQuery: 11_000, retries: 3, headers: {} },
  },
  ingest: { interval: 60_000, step: 30_000, delay: 60_000, initialLookback: 86_400_000, chunk: 21_600_000 },
  datasets: { defaultPack: true, tenant: 'team-a', custom: [] },
};

test('a Prometheus source ingests the default pack plus custom datasets, a custom one replacing a default of the same name', () => {
  const config: IngestConfigView = {
    ...base,
    datasets: {
      ...base.datasets,
      custom: [
        { name: 'up', query: 'up{job!="noise"}', keepLabels: ['job', 'instance'] },
        { name: 'queue_depth', query: 'sum by (queue) (queue_depth)', keepLabels: ['queue'], step: 15_000, tenant: 'team-b' },
      ],
    },
  };
  const datasets = datasetsFromConfig(config);
  assert.equal(datasets.filter((d) => d.name === 'up').length, 1);
  assert.equal(datasets.find((d) => d.name === 'up')!.query, 'up{job!="noise"}');
  assert.deepEqual(datasets.find((d) => d.name === 'queue_depth'), { name: 'queue_depth', tenant: 'team-b', query: 'sum by (queue) (queue_depth)', keepLabels: ['queue'], stepMs: 15_000 });
  assert.ok(datasets.filter((d) => d.name !== 'queue_depth').every((d) => d.tenant === 'team-a' && d.stepMs === 30_000));
  assert.deepEqual(datasetsFromConfig({ ...config, datasets: { ...config.datasets, defaultPack: false } }).map((d) => d.name), ['up', 'queue_depth']);
});

test('the demo source ingests the demo datasets only', () => {
  const datasets = datasetsFromConfig({ ...base, source: { ...base.source, kind: 'demo' } });
  assert.ok(datasets.some((d) => d.name === 'http_requests_per_second'));
  assert.equal(sourceFromConfig({ ...base, source: { ...base.source, kind: 'demo' } }, () => 0).name, 'demo');
});

test('timing comes from the ingest section', () => {
  assert.deepEqual(ingestTimingFromConfig(base), { intervalMs: 60_000, delayMs: 60_000, initialLookbackMs: 86_400_000, windowMs: 21_600_000 });
  assert.equal(sourceFromConfig(base, () => 0).name, 'prometheus');
});

test('bearer token, basic auth and extra headers reach Prometheus', async () => {
  const { createServer } = await import('node:http');
  const seen: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('{"status":"success","data":{"resultType":"matrix","result":[]}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const secret = (value: string) => ({ reveal: () => value });
  const dataset = { name: 'd', tenant: 't', query: 'up', keepLabels: [], stepMs: 60_000 };
  try {
    const bearer = sourceFromConfig({ ...base, source: { ...base.source, prometheus: { ...base.source.prometheus, url, bearerToken: secret('s3cret'), headers: { 'X-Scope-OrgID': 'team-a' } } } }, () => 0);
    await bearer.queryRange(dataset, { start: 0, end: 60_000 });
    const basic = sourceFromConfig({ ...base, source: { ...base.source, prometheus: { ...base.source.prometheus, url, basicAuth: { username: 'me', password: secret('pw') } } } }, () => 0);
    await basic.queryRange(dataset, { start: 0, end: 60_000 });
  } finally {
    server.close();
  }
  assert.equal(seen[0]!.authorization, 'Bearer s3cret');
  assert.equal(seen[0]!['x-scope-orgid'], 'team-a');
  assert.equal(seen[1]!.authorization, `Basic ${Buffer.from('me:pw').toString('base64')}`);
});
