import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { alertsSectionSchema } from '../config/sections/alerts.js';
import { createLogger } from '../log.js';
import { AlertStore } from '../warehouse/alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { demoAlertObservations } from './demo-alerts.js';
import { createAlerting } from './setup.js';

const DAY = 86_400_000;

test('the demo job records the scenario\'s alerts once, with a flapping rule, through the real store', async () => {
  const warehouse = await openDuckDbWarehouse({ path: join(mkdtempSync(join(tmpdir(), 'sextant-demo-alerts-')), 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const now = 20 * DAY;
    const alerting = createAlerting({
      warehouse,
      config: alertsSectionSchema.parse({}),
      registry: new Registry(),
      log: createLogger('error', () => undefined),
      now: () => now,
      demo: { seed: 7, tenant: 'demo' },
    });
    assert.deepEqual(alerting.jobs.map((j) => j.name), ['demo-alerts']);
    await alerting.jobs[0]!.run(new AbortController().signal);
    await alerting.jobs[0]!.run(new AbortController().signal);
    const expected = demoAlertObservations(7, 'demo', now - 14 * DAY, now);
    const [row] = await warehouse.handle.read(`SELECT count(*) AS n FROM alert_events WHERE tenant = 'demo'`);
    assert.equal(Number(row?.n), expected.length, 'every firing and resolution once, despite two runs');
    const store = new AlertStore(warehouse.handle, () => now);
    const instances = await store.instances('demo', 0, now);
    assert.ok(instances.some((i) => i.alertname === 'HostCpuUsageCritical'));
    assert.ok(instances.every((i) => i.endsAtMs === null || i.endsAtMs > i.startsAtMs));
  } finally {
    await warehouse.close();
  }
});
