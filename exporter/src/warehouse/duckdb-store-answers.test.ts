// What requests read of the jobs' results on DuckDB (predictions, recommendations, anomaly events)
// is answered from memory until the next committed write (commit-memo.ts): while long reads hold
// every reading connection, and with each write seen by the read after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reconcile, type Candidate } from '@sextant/core/recommend';
import type { AnomalyEvent } from './anomaly-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { seriesId } from './series-id.js';

const T0 = Date.UTC(2026, 10, 2);
const MIN = 60_000;
const labels = { job: 'api' };

async function open(t: { after(fn: () => unknown): void }): Promise<DuckDbWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-answers-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  await warehouse.replaceWindow('t', 'latency', { start: T0, end: T0 + 60 * MIN }, [{ labels, samples: [{ t: T0, v: 0.4 }] }]);
  return warehouse;
}

const prediction = { entity: 'api', horizonMs: 1_800_000, at: T0, probability: 0.7, modelVersion: 1, ongoing: false, contributions: [{ feature: 'memory_level', value: 0.9, contribution: 0.3 }] };
const candidate: Candidate = {
  key: 'k', kind: 'capacity', entity: 'db', action: 'expand-disk', context: 'disk', severity: 'warning', priority: 60,
  title: 'disk full soon', explanation: 'x', evidence: [{ name: 'usage', value: 0.9, unit: 'ratio' }], verifyWithinMs: 100,
};
const event = (start: number, peakScore: number): AnomalyEvent => ({
  tenant: 't', dataset: 'latency', seriesId: seriesId('t', 'latency', labels), labels, start, end: start + 10 * MIN, peakScore, peakAt: start,
  explainedAt: start, explainedScore: peakScore, severity: 'high', detector: 'spike', value: 0.9, expected: 0.4, lower: 0.3, upper: 0.5, deviation: 5,
});

/** What GET /predictions, /recommendations and /anomalies read. */
async function answers(w: DuckDbWarehouse) {
  return {
    predictions: (await w.predictions.listPredictions('t', { latest: true, limit: 100 })).map((p) => [p.at, p.probability]),
    recommendations: (await w.recommendations.list('t', ['open'], 100)).map((r) => r.key),
    records: [...(await w.recommendations.actionRecords('t')).values()].map((r) => [r.action, r.successes, r.failures]),
    anomalies: (await w.anomalies.events('t', { limit: 20 })).map((e) => [e.start, e.peakScore]),
  };
}

test('answers read once are given while long reads hold every reading connection', async (t) => {
  const w = await open(t);
  await w.predictions.savePredictions('t', [prediction]);
  await w.recommendations.save('t', reconcile([], [candidate], T0).changed);
  await w.anomalies.saveRun('t', 'latency', [], [event(T0, 0.9)]);
  const before = await answers(w);
  assert.deepEqual(before, { predictions: [[T0, 0.7]], recommendations: ['k'], records: [], anomalies: [[T0, 0.9]] });

  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = Array.from({ length: 4 }, () => w.handle.readSession(() => gate));
  const timeout = new AbortController();
  const noAnswer = sleep(5_000, 'no answer while the connections were held', { signal: timeout.signal }).catch(() => 'aborted');
  const during = await Promise.race([answers(w), noAnswer]);
  timeout.abort();
  release();
  await Promise.all(held);
  assert.deepEqual(during, before);
});

test("each write is seen by the next read: a job's results, an outcome, a new event", async (t) => {
  const w = await open(t);
  await w.predictions.savePredictions('t', [prediction]);
  await w.anomalies.saveRun('t', 'latency', [], [event(T0, 0.9)]);
  const recs = reconcile([], [candidate], T0).changed;
  await w.recommendations.save('t', recs);
  await answers(w);

  await w.predictions.savePredictions('t', [{ ...prediction, at: T0 + MIN, probability: 0.2 }]);
  await w.anomalies.saveRun('t', 'latency', [], [event(T0 + 20 * MIN, 0.95)]);
  await w.recommendations.saveWithOutcomes('t', [], [{ action: 'expand-disk', context: 'disk', success: true }]);
  assert.deepEqual(await answers(w), { predictions: [[T0 + MIN, 0.2]], recommendations: ['k'], records: [['expand-disk', 1, 0]], anomalies: [[T0 + 20 * MIN, 0.95], [T0, 0.9]] });

  await w.recommendations.save('t', [{ ...recs[0]!, status: 'dismissed', updatedAt: T0 + MIN }]);
  await w.recommendations.addFeedback('t', recs[0]!, { recommendationId: recs[0]!.id, at: T0 + MIN, helpful: false, tokenName: 'ed' });
  // A run with no new event changes no answer, and the answers stay those of the tables.
  await w.anomalies.saveRun('t', 'latency', [], []);
  const after = await answers(w);
  assert.deepEqual(after, { predictions: [[T0 + MIN, 0.2]], recommendations: [], records: [['expand-disk', 1, 1]], anomalies: [[T0 + 20 * MIN, 0.95], [T0, 0.9]] });
  const [stored] = await w.handle.read(`SELECT count(*) FILTER (WHERE status = 'open') AS open, (SELECT failures FROM action_records) AS failures, (SELECT count(*) FROM anomaly_events) AS events FROM recommendations`);
  assert.deepEqual(stored, { open: 0, failures: 1, events: 2 });
});
