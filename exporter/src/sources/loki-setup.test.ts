import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer } from '../../../tests/support/fixture-server.js';
import { jaegerSection } from '../config/sections/jaeger.js';
import { lokiSection } from '../config/sections/loki.js';
import { createLogger } from '../log.js';
import { jaegerIngest } from './jaeger-setup.js';
import { lokiIngest } from './loki-setup.js';

const log = createLogger('error', () => undefined);

test('no url and no demo: neither Loki nor Jaeger is ingested', () => {
  assert.equal(lokiIngest(lokiSection.parse({}), { tenant: 't', log }), undefined);
  assert.equal(jaegerIngest(jaegerSection.parse({}), { tenant: 't', log }), undefined);
});

test('the loki section gives the default and custom datasets, and a source sending its tenant and token', async () => {
  const server = await startFixtureServer(() => ({ body: { status: 'success', data: { resultType: 'matrix', result: [] } } }));
  try {
    const config = lokiSection.parse({
      url: server.url,
      orgId: 'team-a',
      bearerToken: 'glc_secret',
      step: '5m',
      streams: { selector: '{job="demo-workload"}', serviceLabel: 'service', levelLabel: 'level' },
      datasets: [{ name: 'checkout_timeouts', query: 'sum(count_over_time({service="checkout"} |= "timeout" [5m]))', tenant: 'shop' }],
    });
    const ingest = lokiIngest(config, { tenant: 'default', log })!;
    assert.deepEqual(ingest.datasets.map((d) => [d.name, d.tenant, d.stepMs]), [
      ['log_lines', 'default', 300_000],
      ['log_error_lines', 'default', 300_000],
      ['checkout_timeouts', 'shop', 300_000],
    ]);
    assert.equal(ingest.datasets[0]!.query, 'sum by (service, level) (count_over_time({job="demo-workload"} [5m]))');
    await ingest.source.queryRange(ingest.datasets[2]!, { start: 0, end: 600_000 });
    assert.equal(server.requests[0]!.headers['x-scope-orgid'], 'team-a');
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer glc_secret');
  } finally {
    await server.close();
  }
});

test('the jaeger section gives the trace dataset and a source sending its tenant header', async () => {
  const server = await startFixtureServer(() => ({ body: { data: [], total: 0, limit: 0, offset: 0, errors: null } }));
  try {
    const config = jaegerSection.parse({ url: server.url, api: 'v1', tenant: 'team-a', tenantHeader: 'x-jaeger-tenant', services: 'checkout' });
    const ingest = jaegerIngest(config, { tenant: 'default', log })!;
    assert.deepEqual(ingest.datasets, [{ name: 'traces', tenant: 'default', query: 'checkout', keepLabels: ['service', 'operation', 'measure'], stepMs: 60_000 }]);
    await ingest.source.queryRange(ingest.datasets[0]!, { start: 60_000, end: 120_000 });
    assert.ok(server.requests.length > 0 && server.requests.every((r) => r.headers['x-jaeger-tenant'] === 'team-a'));
  } finally {
    await server.close();
  }
});

test('in demo mode the demo stands in for both, with the same datasets', async () => {
  const demo = { seed: 1, now: () => Date.UTC(2026, 10, 23, 12) };
  const logs = lokiIngest(lokiSection.parse({}), { tenant: 'default', log, demo })!;
  const traces = jaegerIngest(jaegerSection.parse({}), { tenant: 'default', log, demo })!;
  assert.deepEqual(logs.datasets.map((d) => d.name), ['log_lines', 'log_error_lines']);
  assert.deepEqual(traces.datasets.map((d) => [d.name, d.query]), [['traces', '*']]);
  const range = { start: demo.now() - 5 * 60_000, end: demo.now() };
  assert.ok((await logs.source.queryRange(logs.datasets[0]!, range)).length > 0);
  assert.ok((await traces.source.queryRange(traces.datasets[0]!, range)).length > 0);
});

test('bad loki and jaeger settings are refused by the schema', () => {
  assert.throws(() => lokiSection.parse({ url: 'loki:3100' }));
  assert.throws(() => lokiSection.parse({ streams: { selector: 'service_name=checkout' } }));
  assert.throws(() => lokiSection.parse({ url: 'http://loki:3100', bearerToken: 'x', basicAuth: { username: 'u', password: 'p' } }));
  assert.throws(() => jaegerSection.parse({ samplingProbability: 0 }));
  assert.throws(() => jaegerSection.parse({ api: 'v2' }));
});
