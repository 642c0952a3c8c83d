import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { alertInstancesOf } from '@sextant/core/alerts';
import { scenario } from '@sextant/core/demo';
import { alertsSectionSchema } from '../config/sections/alerts.js';
import type { Job } from '../jobs/job.js';
import { createLogger } from '../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { demoAlertObservations } from './demo-alerts.js';
import { alertsApiRouter } from '../http/routes/alerts-router.js';
import { alertJobs } from './setup.js';

const DAY = 86_400_000;

test('the demo job records the scenario\'s alerts once, with a flapping rule, through the real store', async () => {
  // An hour into the first long incident after day 10, so alerts fire in the last two hours.
  const long = scenario(7).incidents({ start: 10 * DAY, end: 30 * DAY }).find((i) => i.end - i.start >= 3 * 3_600_000)!;
  const now = long.start + 3_600_000;
  const warehouse = await openDuckDbWarehouse({ path: join(mkdtempSync(join(tmpdir(), 'sextant-demo-alerts-')), 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS, now: () => now });
  try {
    const store = warehouse.alerts;
    const deps = {
      warehouse,
      store,
      config: alertsSectionSchema.parse({}),
      registry: new Registry(),
      log: createLogger('error', () => undefined),
      now: () => now,
    };
    const jobs = alertJobs({ ...deps, tenants: ['demo'], demo: { seed: 7, tenant: 'demo' } });
    // The router built after the jobs shares their store: building it registers no metric twice.
    assert.ok(alertsApiRouter(deps));
    assert.deepEqual(jobs.map((j) => j.name), ['alert-datasets', 'demo-alerts']);
    const [datasets, demo] = jobs as [Job, Job];
    await demo.run(new AbortController().signal);
    await demo.run(new AbortController().signal);
    const expected = demoAlertObservations(7, 'demo', now - 14 * DAY, now);
    await store.loaded();
    const [row] = await warehouse.handle.read(`SELECT count(*) AS n FROM alert_events WHERE tenant = 'demo'`);
    assert.equal(Number(row?.n), expected.length, 'every firing and resolution once, despite two runs');
    const instances = alertInstancesOf(await store.instances('demo', 0, now));
    assert.ok(instances.some((i) => i.alertname === 'HostCpuUsageCritical'));
    assert.ok(instances.every((i) => i.endsAtMs === null || i.endsAtMs > i.startsAtMs));

    // The datasets job turns the last two hours into points the BI query API can read.
    await datasets.run(new AbortController().signal);
    const window = { start: now - 2 * 3_600_000, end: now };
    const firingNow = alertInstancesOf(await store.overlapping('demo', window.start, window.end));
    const [points] = await warehouse.handle.read(
      `SELECT count(*) AS n, coalesce(sum(value), 0) AS firing_minutes FROM points WHERE tenant = 'demo' AND dataset = 'alerts_firing'`,
    );
    const expectedMinutes = firingNow.reduce((sum, i) => {
      let n = 0;
      for (let t = window.start; t < window.end; t += 60_000) if (i.startsAtMs <= t && t < (i.endsAtMs ?? now + 1)) n += 1;
      return sum + n;
    }, 0);
    assert.ok(expectedMinutes >= 60, `${expectedMinutes} firing minutes expected`);
    assert.equal(Number(points?.firing_minutes), expectedMinutes);
  } finally {
    await warehouse.close();
  }
});
