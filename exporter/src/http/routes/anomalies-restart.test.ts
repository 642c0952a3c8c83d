// What the service says of an anomaly event when it scores it (the live `anomaly` event, which is
// anomalyView of the scored event) is what GET /api/v1/anomalies says after a restart, read back
// from the warehouse file: the same explanation, its evidence and its text.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { seriesKey } from '@sextant/core';
import { createScoreJob } from '../../jobs/score.js';
import { createLogger } from '../../log.js';
import { SeriesFamilies } from '../../metrics/series-gauge-family.js';
import { createDemoSource, demoDatasets } from '../../sources/demo-source.js';
import type { AnomalyEvent } from '../../warehouse/anomaly-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { testApiDeps } from '../testing/api-deps.js';
import { listenApi } from '../testing/listen.js';
import { anomalyView } from './anomalies.js';
import { apiRouters } from './index.js';

const DAY = 86_400_000;
const tenant = 'team-a';
const token = { name: 'a', token: 'token-of-tenant-a-0001', tenant, role: 'viewer' as const };
const dir = mkdtempSync(join(tmpdir(), 'sextant-anomalies-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('after a restart GET /anomalies explains each event as it was explained when scored: evidence and text', async () => {
  const now = Date.UTC(2026, 0, 10);
  const source = createDemoSource({ seed: 42, now: () => now });
  const datasets = demoDatasets(tenant).filter((d) => d.name.startsWith('http_') || d.name === 'process_resident_memory_bytes');
  // Two weeks of the demo's services: drifts, levels out of range, persisted alarms and the forest's.
  const window = { start: now - 14 * DAY, end: now };
  const path = join(dir, 'w.duckdb');
  const log = createLogger('error', () => {});

  const scored: AnomalyEvent[] = [];
  const first = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  try {
    for (const d of datasets) await first.replaceWindow(tenant, d.name, window, await source.queryRange(d, window));
    const job = createScoreJob({ store: first.anomalies, datasets, registry: new Registry(), families: new SeriesFamilies(), log, intervalMs: 60_000, onNewEvents: (_, events) => scored.push(...events) });
    await job.run(new AbortController().signal);
  } finally {
    await first.close();
  }
  const live = scored.map((e) => JSON.parse(JSON.stringify(anomalyView(e))) as ReturnType<typeof anomalyView>);
  assert.ok(live.some((v) => v.explanation.evidence?.persisted), 'some event is a persisted alarm');
  // Members alarming together raise one event naming them (before, each member its own event, without
  // evidence beyond its point): every event here now carries what its detector found.
  const together = live.filter((v) => v.explanation.detector !== 'isolation-forest' && (v.explanation.evidence?.members?.length ?? 0) > 0);
  assert.ok(together.length > 0, "some event is a group's corroborated alarm, naming its members");
  for (const v of together) {
    for (const m of v.explanation.evidence?.members ?? []) assert.match(m.name ?? '', new RegExp(`^(http_|process_)[a-z_0-9]+\\{.*job="${v.labels.job}"`), 'a member of the same service');
    assert.match(v.explanation.text, /; alarming together with the group's members, most deviant (http_|process_)/);
  }
  // The forest's events name the members it blames by their series (dataset and labels), this one
  // among them with its own deviation: the names follow the members' places in the group.
  const byForest = live.filter((v) => v.explanation.detector === 'isolation-forest');
  assert.ok(byForest.length > 0, 'the forest raised events');
  for (const v of byForest) {
    const members = v.explanation.evidence?.members ?? [];
    const own = `${v.dataset}${seriesKey(v.labels)}`;
    assert.ok(members.some((m) => m.name === own && m.deviation === v.explanation.deviation), `${own} among ${JSON.stringify(members)}`);
    for (const m of members) assert.match(m.name ?? '', new RegExp(`^(http_|process_)[a-z_0-9]+\\{.*job="${v.labels.job}"`), 'a member of the same service');
    assert.match(v.explanation.text, new RegExp(`^isolation-forest: an unusual combination of the group's members, most deviant (http_|process_)`));
  }

  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  const api = await testApiDeps({ warehouse, stores: warehouse, log });
  const server = await listenApi(apiRouters(api.deps), [token]);
  try {
    const res = await fetch(`${server.url}/api/v1/anomalies?limit=1000`, { headers: { authorization: `Bearer ${token.token}` } });
    assert.equal(res.status, 200);
    const { anomalies } = (await res.json()) as { anomalies: ReturnType<typeof anomalyView>[] };
    const key = (v: ReturnType<typeof anomalyView>) => `${v.dataset}${seriesKey(v.labels)}@${v.start}`;
    const after = new Map(anomalies.map((v) => [key(v), v]));
    assert.equal(after.size, live.length, 'every event scored is listed once');
    for (const v of live) assert.deepEqual(after.get(key(v)), v, key(v));
  } finally {
    await server.close();
    await warehouse.close();
    await api.close();
  }
});
