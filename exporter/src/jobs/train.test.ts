import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createLogger } from '../log.js';
import { openDuckDbWarehouse, DEFAULT_RETENTION_MS } from '../warehouse/duckdb-warehouse.js';
import { replayedAlertHistory } from './predict-inputs.js';
import { createTrainJob, DEFAULT_PREDICT_SETTINGS } from './train.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

test('a run that finds too little data (a fresh warehouse) retries soon, backing off up to the training interval', async (t) => {
  const warehouse = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => warehouse.close());
  await warehouse.migrate();
  const job = createTrainJob({
    warehouse, store: warehouse.predictions, alerts: replayedAlertHistory(), registry: new Registry(),
    log: createLogger('error', () => {}), now: () => Date.UTC(2026, 10, 20), intervalMs: 6 * HOUR, retryMs: MIN, tenants: ['default'],
    settings: { ...DEFAULT_PREDICT_SETTINGS, trees: 2 },
  });
  assert.equal(job.intervalMs, 6 * HOUR);
  const delays: number[] = [];
  for (let run = 0; run < 11; run++) {
    await job.run(new AbortController().signal);
    delays.push(job.intervalMs / MIN);
  }
  assert.deepEqual(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]);
});
