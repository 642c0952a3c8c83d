import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertStore, type AlertObservation } from './alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from './duckdb-warehouse.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const obs = (state: AlertObservation['state'], endsAtMs: number | null = null): AlertObservation => ({
  tenant: 't',
  fingerprint: 'abcdefabcdefabcd',
  startsAtMs: T0,
  state,
  endsAtMs,
  labels: { alertname: 'X', service: 's' },
  annotations: {},
  generatorUrl: '',
  receiver: 'r',
  suppressedBy: [],
  source: 'webhook',
});

test('a re-delivery of an instance resolved long before a restart is ignored, not an error', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sextant-alert-store-')), 'w.duckdb');
  let warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  let store = new AlertStore(warehouse.handle, () => T0 + 60_000);
  assert.equal(await store.record([obs('firing'), obs('silenced'), obs('resolved', T0 + 30_000)]), 3);
  await warehouse.close();

  // Ten days later the cache starts without it (only open and last week's instances are loaded).
  warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  store = new AlertStore(warehouse.handle, () => T0 + 10 * DAY);
  try {
    await store.record([obs('resolved', T0 + 30_000), obs('firing')]);
    const rows = await warehouse.handle.read('SELECT seq, state FROM alert_events ORDER BY seq');
    assert.deepEqual(rows, [
      { seq: 0, state: 'firing' },
      { seq: 1, state: 'silenced' },
      { seq: 2, state: 'resolved' },
    ]);
    // An open instance is always remembered: its resolution after the restart is recorded.
    const open = { ...obs('firing'), fingerprint: '0123456789abcdef', startsAtMs: T0 + 10 * DAY - 60_000 };
    await store.record([open]);
    await warehouse.close();
    warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
    store = new AlertStore(warehouse.handle, () => T0 + 10 * DAY);
    await store.record([{ ...open, state: 'resolved', endsAtMs: T0 + 10 * DAY }]);
    const states = await warehouse.handle.read(`SELECT seq, state FROM alert_events WHERE fingerprint = '0123456789abcdef' ORDER BY seq`);
    assert.deepEqual(states, [
      { seq: 0, state: 'firing' },
      { seq: 1, state: 'resolved' },
    ]);
  } finally {
    await warehouse.close();
  }
});
