import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertPeriodsOf, type AlertPeriod } from '@sextant/core/predict';
import { analyzeAlertHygieneOnColumns } from '@sextant/core/recommend';
import type { AlertObservation } from '../warehouse/alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { storedAlertAnalytics, storedAlertHistory } from './alert-inputs.js';

const MIN = 60_000;

test('stored alerts feed the hygiene analyzer (flaps, runbooks) and the prediction labels (service alerts)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-alert-inputs-'));
  const now = 1000 * MIN;
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS, now: () => now });
  t.after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  const store = warehouse.alerts;
  const observe = (startsAtMs: number, endsAtMs: number, labels: Record<string, string>, annotations: Record<string, string> = {}): AlertObservation[] => {
    const base = { tenant: 'a', fingerprint: `fp-${labels.alertname}`, startsAtMs, labels, annotations, generatorUrl: '', receiver: 'sextant', suppressedBy: [], source: 'webhook' as const };
    return [{ ...base, state: 'firing', endsAtMs: null }, { ...base, state: 'resolved', endsAtMs }];
  };
  // Four 10-minute firings 5 minutes apart: three flaps; no runbook. One critical service alert with a runbook.
  for (let k = 0; k < 4; k += 1) await store.record(observe(100 * MIN + k * 15 * MIN, 110 * MIN + k * 15 * MIN, { alertname: 'Flappy', job: 'node', instance: 'n1:9100', severity: 'warning' }));
  await store.record(observe(500 * MIN, 520 * MIN, { alertname: 'ApiDown', service: 'api', severity: 'critical' }, { runbook_url: 'https://r/api' }));

  const analytics = storedAlertAnalytics(store, () => now);
  const candidates = analyzeAlertHygieneOnColumns(await analytics.rules('a'), await analytics.instances('a', { start: 0, end: now }), now);
  const flapping = candidates.find((c) => c.action === 'set-keep-firing-for')!;
  assert.equal(flapping.entity, 'Flappy');
  assert.equal(flapping.evidence.find((e) => e.name === 'suggested keep_firing_for')!.value, '6m');
  assert.deepEqual(candidates.filter((c) => c.action === 'add-runbook').map((c) => c.entity), ['Flappy']);

  // The stored service alert and the replayed host alerts, merged in order of start (the stored one first on a tie).
  const host = (startsAt: number): AlertPeriod => ({ entity: 'n1', alertname: 'HostDown', severity: 'critical', startsAt, endsAt: startsAt + 5 * MIN });
  const history = storedAlertHistory(store, async () => [host(400 * MIN), host(500 * MIN), host(600 * MIN)]);
  assert.deepEqual(alertPeriodsOf(await history.periods('a', { start: 0, end: now }, {})), [
    host(400 * MIN),
    { entity: 'api', alertname: 'ApiDown', severity: 'critical', startsAt: 500 * MIN, endsAt: 520 * MIN },
    host(500 * MIN),
    host(600 * MIN),
  ]);
});
