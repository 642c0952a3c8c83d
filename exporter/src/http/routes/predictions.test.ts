import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { ActionRunner } from '../../recommend/action-runner.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { testApiDeps } from '../testing/api-deps.js';
import { predictionsRoutes } from './predictions.js';

test('GET /predictions: latest per entity by default, filters, 400 on bad input, 503 when prediction is off', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-pred-api-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  await warehouse.migrate();
  const predictions = warehouse.predictions;
  const p = { entity: 'api', horizonMs: 1_800_000, at: 1000, probability: 0.2, modelVersion: 1, ongoing: false, contributions: [] };
  await predictions.savePredictions('a', [p, { ...p, at: 2000, probability: 0.7 }, { ...p, entity: 'db', horizonMs: 7_200_000, probability: 0.1 }]);
  const { deps: base, close } = await testApiDeps({ warehouse });
  const recommendations = warehouse.recommendations;
  const runner = new ActionRunner({ store: recommendations, now: () => 0, timeoutMs: 1000, safety: { enabled: false, maxPerWindow: 1, rateWindowMs: 1, allowedUrlPrefixes: [] } });
  const app = express();
  app.use((req, res, next) => {
    res.locals.auth = { tokenName: 't', tenant: req.header('x-tenant') ?? 'a', role: 'viewer' };
    next();
  });
  app.use('/on', predictionsRoutes({ ...base, predict: { predictions, recommendations, runner, now: () => 0 } }));
  app.use('/off', predictionsRoutes(base));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.close();
    await close();
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  const port = (server.address() as AddressInfo).port;
  const get = async (path: string, tenant = 'a') => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'x-tenant': tenant } });
    return { status: r.status, body: (await r.json()) as { predictions?: { entity: string; at: number; probability: number }[]; error?: string } };
  };
  const latest = await get('/on/predictions');
  assert.deepEqual(latest.body.predictions!.map((x) => [x.entity, x.at, x.probability]), [['api', 2000, 0.7], ['db', 1000, 0.1]]);
  assert.deepEqual((await get('/on/predictions?horizon=2h')).body.predictions!.map((x) => x.entity), ['db']);
  assert.equal((await get('/on/predictions?latest=false&entity=api')).body.predictions!.length, 2);
  assert.equal((await get('/on/predictions', 'b')).body.predictions!.length, 0);
  const bad = await get('/on/predictions?horizon=soon');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error!, /horizon/);
  assert.equal((await get('/on/predictions?limit=0')).status, 400);
  const huge = await get('/on/predictions?horizon=99999999999999999999d');
  assert.equal(huge.status, 400, 'a horizon beyond any time column is refused by name, not passed to DuckDB');
  assert.match(huge.body.error!, /horizon: got "99999999999999999999d", expected a duration of at most 3650d/);
  assert.equal((await get('/off/predictions')).status, 503);
});
