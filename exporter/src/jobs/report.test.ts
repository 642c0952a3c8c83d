import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testApiDeps } from '../http/testing/api-deps.js';
import { ReportService } from '../reports/report-service.js';
import { createReportJob } from './report.js';

test('the report job makes each scheduled report once per period and tenant, and prunes old ones', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-report-job-'));
  const { deps, close } = await testApiDeps();
  t.after(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });
  await deps.warehouse.migrate();
  let clock = Date.parse('2026-11-25T08:00:00Z');
  const config = { ...deps.config, reports: { ...deps.config.reports, directory: dir, retention: 2 * 86_400_000 } };
  const service = new ReportService({ stores: deps.stores, config, registry: deps.registry, log: deps.log, now: () => clock });
  const job = createReportJob({ service, schedule: [{ period: 'daily', formats: ['html', 'csv'] }], tenants: ['a', 'b'], log: deps.log, now: () => clock, intervalMs: 60_000 });
  await job.run(new AbortController().signal);
  await job.run(new AbortController().signal);
  const first = await service.store.list('a', 10);
  assert.deepEqual(first.map((r) => [r.period, r.format, new Date(r.rangeStart).toISOString(), r.trigger, r.status]).sort(), [
    ['daily', 'csv', '2026-11-24T00:00:00.000Z', 'schedule', 'ok'],
    ['daily', 'html', '2026-11-24T00:00:00.000Z', 'schedule', 'ok'],
  ]);
  assert.equal((await service.store.list('b', 10)).length, 2);
  // Three days later: a new day's reports, and the first ones are past retention, files included.
  clock += 3 * 86_400_000;
  await job.run(new AbortController().signal);
  const later = await service.store.list('a', 10);
  assert.deepEqual(later.map((r) => new Date(r.rangeStart).toISOString()), ['2026-11-27T00:00:00.000Z', '2026-11-27T00:00:00.000Z']);
  for (const old of first) assert.equal(existsSync(old.path!), false);
});
