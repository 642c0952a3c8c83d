import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Series } from '@sextant/core';
import { createLogger } from '../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { replayedAlertHistory } from './predict-inputs.js';
import { createRecommendJob } from './recommend.js';

const MIN = 60_000;
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 20);
const START = END - 2 * DAY;

function every5m(labels: Record<string, string>, value: (k: number) => number): Series {
  return { labels, samples: Array.from({ length: (END - START) / (5 * MIN) }, (_, k) => ({ t: START + k * 5 * MIN, v: value(k) })) };
}

test('recommend job: container right-sizing from cAdvisor/KSM datasets, host right-sizing, policies, SLO risk, open gauge', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-recommend-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  await warehouse.migrate();
  const range = { start: START, end: END };
  const app = { namespace: 'shop', container: 'cart' };
  const write = (dataset: string, series: Series[]) => warehouse.replaceWindow('default', dataset, range, series);
  await write('container_cpu_usage_cores', [every5m(app, (k) => 0.1 + (k % 10) * 0.02)]);
  await write('container_cpu_request_cores', [every5m(app, () => 1)]);
  await write('container_memory_working_set_bytes', [every5m(app, () => 300 * 2 ** 20)]);
  await write('container_memory_request_bytes', [every5m(app, () => 320 * 2 ** 20)]);
  await write('node_cpu_utilisation_ratio', [every5m({ instance: 'node-1:9100' }, () => 0.2)]);
  await write('node_memory_used_ratio', [every5m({ instance: 'node-1:9100' }, () => 0.5)]);
  await write('up', [every5m({ job: 'cart', instance: 'node-1:8080' }, () => 1)]);
  await write('http_requests_per_second', [every5m({ job: 'cart', service: 'cart' }, () => 100)]);
  // 1 % errors in the last 6 hours, none before: burn rate 10 against a 99.9 % objective.
  await write('http_error_ratio', [every5m({ job: 'cart', service: 'cart' }, (k) => (START + k * 5 * MIN >= END - 6 * 3_600_000 ? 0.01 : 0))]);
  await warehouse.rollup();

  const registry = new Registry();
  const store = warehouse.recommendations;
  const job = createRecommendJob({
    warehouse, store, predictions: warehouse.predictions, alerts: replayedAlertHistory(), registry,
    log: createLogger('error', () => {}), now: () => END, intervalMs: 5 * MIN, tenants: ['default'],
    policies: [{ name: 'mem', serviceType: 'shop', actions: [{ action: 'restart', title: 'Restart {entity}', when: [{ metric: 'memory_level', op: '>=', value: 0.5 }], priority: 60, severity: 'warning', verifyWithinMs: 30 * MIN }] }],
    slos: [{ name: 'cart-availability', service: 'cart', objective: 0.999, windowMs: 2 * DAY }],
    serviceTypes: { cart: 'shop' },
  });
  await job.recommendAll();
  const open = await store.list('default', ['open']);
  const byKey = new Map(open.map((r) => [r.key, r]));
  const cpu = byKey.get('rightsizing:cpu:shop/cart')!;
  assert.equal(cpu.context, 'container:cpu');
  // p95 of 0.10, 0.12, ... 0.28 repeated: the 95th percentile is 0.28 cores against a request of 1.
  assert.equal(cpu.evidence.find((e) => e.name === 'recommended')!.value, 0.28);
  // Memory: max 300 MiB + 15 % = 345 MiB against 320 MiB requested: +7.8 %, under the 20 % bar.
  assert.equal(byKey.get('rightsizing:memory:shop/cart'), undefined);
  assert.equal(byKey.get('rightsizing:cpu:node-1')!.context, 'host:cpu');
  // Host memory at 50 % of capacity: max + 15 % = 57.5 %.
  assert.equal(byKey.get('rightsizing:memory:node-1')!.evidence.find((e) => e.name === 'recommended')!.value, 0.575);
  assert.equal(byKey.get('policy:mem:restart:cart')!.title, 'Restart cart');
  const slo = byKey.get('slo-budget:cart-availability')!;
  assert.equal(slo.evidence.find((e) => e.name === 'burn rate')!.value, 10);
  const metrics = await registry.metrics();
  assert.match(metrics, /sextant_recommendations_open\{kind="rightsizing",severity="info"\} 3/);
  assert.match(metrics, /sextant_recommendations_open\{kind="slo-budget",severity="critical"\} 1/);
});
