import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainPredictor } from '@sextant/core/predict';
import { observe, reconcile, type Candidate, type Recommendation } from '@sextant/core/recommend';
import { syntheticScenario } from '../../../src/predict/synthetic.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';

async function open(t: { after(fn: () => unknown): void }): Promise<DuckDbWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-predict-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  await warehouse.migrate();
  t.after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  return warehouse;
}

test('a model round-trips with version, range, features and evaluation; predictions are per tenant and idempotent', async (t) => {
  const w = await open(t);
  const store = w.predictions;
  const s = syntheticScenario({ seed: 3, start: Date.UTC(2026, 0, 5), days: 5, entities: 2 });
  const options = { version: 1, horizonMs: 1_800_000, windowMs: 1_800_000, stepMs: 900_000, severities: ['critical'], testFraction: 0.3, forest: { trees: 5 } };
  const model = trainPredictor(s.histories, s.alerts, s.range, s.range.end, options);
  assert.equal(await store.nextVersion('a'), 1);
  await store.saveModel('a', model);
  await store.saveModel('a', { ...model, version: 2 });
  assert.equal(await store.nextVersion('a'), 3);
  assert.equal(await store.nextVersion('b'), 1);
  const [latest] = await store.latestModels('a');
  assert.equal(latest!.version, 2);
  assert.deepEqual(latest!.forest, model.forest);
  const [info] = await store.listModels('a', 10);
  assert.deepEqual([info!.trainingRange, info!.featureNames, info!.evaluation], [s.range, model.featureNames, model.evaluation]);

  const p = { entity: 'api', horizonMs: 1_800_000, at: 1000, probability: 0.7, modelVersion: 2, ongoing: false, contributions: [{ feature: 'memory_level', value: 0.9, contribution: 0.3 }] };
  await store.savePredictions('a', [p, { ...p, at: 2000, probability: 0.8 }]);
  await store.savePredictions('a', [{ ...p, at: 2000, probability: 0.9 }]);
  assert.deepEqual((await store.listPredictions('a', { limit: 10 })).map((x) => [x.at, x.probability]), [[2000, 0.9], [1000, 0.7]]);
  assert.deepEqual(await store.listPredictions('a', { latest: true, limit: 10 }), [{ ...p, at: 2000, probability: 0.9 }]);
  assert.deepEqual(await store.listPredictions('b', { limit: 10 }), []);
});

test('recommendations keep their lifecycle; outcomes and feedback add to the action records', async (t) => {
  const w = await open(t);
  const store = w.recommendations;
  const candidate: Candidate = {
    key: 'k', kind: 'capacity', entity: 'db', action: 'expand-disk', context: 'disk', severity: 'warning', priority: 60,
    title: 'disk full soon', explanation: 'x', evidence: [{ name: 'usage', value: 0.9, unit: 'ratio' }], verifyWithinMs: 100,
    webhook: { url: 'http://127.0.0.1:1/hooks/x', method: 'POST' },
  };
  const { changed } = reconcile([], [candidate], 10);
  await store.save('a', changed);
  const stored = await store.get('a', changed[0]!.id);
  assert.deepEqual(stored, changed[0]);
  assert.equal(await store.get('b', changed[0]!.id), undefined);
  assert.deepEqual(await store.openCounts(), [{ tenant: 'a', kind: 'capacity', severity: 'warning', count: 1 }]);
  await store.saveWithOutcomes('a', [], [{ action: 'expand-disk', context: 'disk', success: true }]);
  await store.addFeedback('a', stored!, { recommendationId: stored!.id, at: 20, helpful: false, tokenName: 'ed' });
  const expected = observe(observe(undefined, 'expand-disk', 'disk', 'success'), 'expand-disk', 'disk', 'failure');
  assert.deepEqual([...(await store.actionRecords('a')).values()], [expected]);
  await store.audit('a', { recommendationId: stored!.id, at: 30, step: 'refused', detail: 'no approval', tokenName: 'ed' });
  assert.deepEqual((await store.auditTrail('a', stored!.id)).map((r) => r.step), ['refused']);
});

test("the lifecycle's write leaves a recommendation a user changed after the lifecycle read it, and that recommendation's outcomes", async (t) => {
  const w = await open(t);
  const store = w.recommendations;
  const candidate = (entity: string): Candidate => ({
    key: `capacity/${entity}`, kind: 'capacity', entity, action: 'expand-disk', context: 'disk', severity: 'warning', priority: 50,
    title: `Expand ${entity}`, explanation: 'full soon', evidence: [], verifyWithinMs: 3_600_000,
  });
  const { changed } = reconcile([], [candidate('db'), candidate('api')], 10);
  await store.save('a', changed);
  const [db, api] = changed as [Recommendation, Recommendation];
  // The lifecycle reads at 20; a user dismisses db at 25, before the lifecycle writes what it decided at 20.
  await store.save('a', [{ ...db, status: 'dismissed', updatedAt: 25 }]);
  const left = await store.saveWithOutcomes(
    'a',
    [{ ...db, status: 'expired', updatedAt: 20 }, { ...api, status: 'expired', updatedAt: 20 }],
    [{ action: 'expand-disk', context: 'disk', success: true, recommendationId: db.id }, { action: 'expand-disk', context: 'disk', success: false, recommendationId: api.id }],
    20,
  );
  assert.deepEqual([...left], [db.id]);
  assert.equal((await store.get('a', db.id))?.status, 'dismissed');
  assert.equal((await store.get('a', api.id))?.status, 'expired');
  assert.deepEqual([...(await store.actionRecords('a')).values()].map((r) => [r.successes, r.failures]), [[0, 1]]);
});
