import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { reconcile, type ActionSafety, type Candidate } from '@sextant/core/recommend';
import { ActionRunner } from '../../recommend/action-runner.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { testApiDeps } from '../testing/api-deps.js';
import { recommendationsRoutes } from './recommendations.js';

interface Received {
  path: string;
  body: { recommendationId: string; rollback: boolean };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function setup(t: { after(fn: () => unknown): void }, safety: Partial<ActionSafety> = {}) {
  const received: Received[] = [];
  const receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Received['body'] });
      res.writeHead(req.url?.includes('broken') ? 500 : 200).end('ok');
    });
  });
  const receiverPort = await listen(receiver);
  const dir = await mkdtemp(join(tmpdir(), 'sextant-recs-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  await warehouse.migrate();
  const store = warehouse.recommendations;
  let clock = 1_000_000;
  const now = () => clock;
  const runner = new ActionRunner({
    store, now, timeoutMs: 2000,
    safety: { enabled: true, maxPerWindow: 1, rateWindowMs: 60_000, allowedUrlPrefixes: [`http://127.0.0.1:${receiverPort}/hooks/`], ...safety },
  });
  const app = express();
  // Stands in for the service's auth middleware: the token's role and tenant from test headers.
  app.use((req, res, next) => {
    res.locals.auth = { tokenName: 'test', tenant: req.header('x-tenant') ?? 'a', role: req.header('x-role') ?? 'editor' };
    next();
  });
  const deps = await testApiDeps({
    warehouse, stores: warehouse, now,
    predict: { predictions: warehouse.predictions, recommendations: store, runner, now },
  });
  app.use('/api/v1', express.json(), recommendationsRoutes(deps.deps));
  const api = createServer(app);
  const port = await listen(api);
  t.after(async () => {
    api.close();
    receiver.close();
    await warehouse.close();
    await deps.close();
    await rm(dir, { recursive: true, force: true });
  });
  const hook = (name: string) => `http://127.0.0.1:${receiverPort}/hooks/${name}`;
  const candidate = (key: string, action: string, priority: number, webhook?: string): Candidate => ({
    key, kind: 'policy', entity: 'api', action, context: 'web', severity: 'warning', priority, title: key, explanation: 'x', evidence: [],
    verifyWithinMs: 60_000, ...(webhook ? { webhook: { url: hook(webhook), method: 'POST' as const, rollbackUrl: hook(`${webhook}-undo`) } } : {}),
  });
  const seed = async (candidates: Candidate[]) => {
    const { changed } = reconcile([], candidates, clock);
    await store.save('a', changed);
    return changed;
  };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { received, store, seed, call, candidate, tick: (ms: number) => (clock += ms) };
}

const ADMIN = { 'x-role': 'admin' };

test('webhooks: no call without approval, dry run calls nothing, approved runs once, rate limit holds, every step audited', async (t) => {
  const s = await setup(t);
  const [restart, scale] = await s.seed([s.candidate('r', 'restart', 50, 'restart'), s.candidate('s', 'scale', 50, 'scale')]);
  assert.equal((await s.call('POST', `/recommendations/${restart!.id}/apply`, { execute: true })).status, 409);
  assert.equal((await s.call('POST', `/recommendations/${restart!.id}/apply`, { execute: true, dryRun: true })).status, 200);
  assert.equal(s.received.length, 0);
  // Approving a webhook is an admin's decision: the editor who asks for the run cannot approve it.
  for (const role of ['viewer', 'editor']) {
    const denied = await s.call('POST', `/recommendations/${restart!.id}/approve`, {}, { 'x-role': role });
    assert.equal(denied.status, 403);
    assert.match(String(denied.json.error), /admin needed/);
  }
  assert.equal((await s.call('POST', `/recommendations/${restart!.id}/approve`, {}, ADMIN)).status, 200);
  const executed = await s.call('POST', `/recommendations/${restart!.id}/apply`, { execute: true });
  assert.equal(executed.status, 200);
  assert.deepEqual(s.received.map((r) => [r.path, r.body.recommendationId, r.body.rollback]), [['/hooks/restart', restart!.id, false]]);
  assert.equal((await s.store.get('a', restart!.id))!.status, 'applied');
  // Rate limit: one execution per minute for the tenant.
  await s.call('POST', `/recommendations/${scale!.id}/approve`, {}, ADMIN);
  const limited = await s.call('POST', `/recommendations/${scale!.id}/apply`, { execute: true });
  assert.equal(limited.status, 409);
  assert.match(String(limited.json.error), /rate limit/);
  assert.equal(s.received.length, 1);
  s.tick(61_000);
  assert.equal((await s.call('POST', `/recommendations/${scale!.id}/apply`, { execute: true })).status, 200);
  assert.equal(s.received.length, 2);
  // Rollback of the executed restart goes to its rollback URL.
  assert.equal((await s.call('POST', `/recommendations/${restart!.id}/rollback`)).status, 200);
  assert.deepEqual(s.received[2], { path: '/hooks/restart-undo', body: { ...s.received[2]!.body, rollback: true } });
  const trail = (await s.store.auditTrail('a', restart!.id)).map((r) => r.step);
  assert.deepEqual(trail, ['requested', 'refused', 'requested', 'dry-run', 'approved', 'requested', 'executed', 'rolled-back']);
});

test('webhooks disabled in config: refused and audited, nothing called; failures are audited too', async (t) => {
  const off = await setup(t, { enabled: false });
  const [rec] = await off.seed([off.candidate('r', 'restart', 50, 'restart')]);
  await off.call('POST', `/recommendations/${rec!.id}/approve`, {}, ADMIN);
  const refused = await off.call('POST', `/recommendations/${rec!.id}/apply`, { execute: true });
  assert.equal(refused.status, 409);
  assert.match(String(refused.json.error), /disabled/);
  assert.equal(off.received.length, 0);
  const on = await setup(t);
  const [broken] = await on.seed([on.candidate('b', 'restart', 50, 'broken')]);
  await on.call('POST', `/recommendations/${broken!.id}/approve`, {}, ADMIN);
  assert.equal((await on.call('POST', `/recommendations/${broken!.id}/apply`, { execute: true })).status, 502);
  assert.deepEqual((await on.store.auditTrail('a', broken!.id)).map((r) => r.step), ['approved', 'requested', 'failed']);
  assert.equal((await on.store.get('a', broken!.id))!.status, 'open');
});

test('list is ranked with count and rate; feedback moves the rank; bad input is a 4xx; tenants are apart', async (t) => {
  const s = await setup(t);
  const [a, b] = await s.seed([s.candidate('a', 'scale-up', 60), s.candidate('b', 'restart', 50)]);
  let list = await s.call('GET', '/recommendations');
  assert.deepEqual((list.json.recommendations as { action: string; rank: number }[]).map((r) => [r.action, r.rank]), [['scale-up', 1], ['restart', 2]]);
  await s.call('POST', `/recommendations/${a!.id}/feedback`, { helpful: false });
  const fb = await s.call('POST', `/recommendations/${b!.id}/feedback`, { helpful: true, comment: 'worked' });
  assert.deepEqual(fb.json.posterior, { mean: 0.6667, count: 1, rate: 1 });
  list = await s.call('GET', '/recommendations');
  const ranked = list.json.recommendations as { action: string; posterior: { count: number; rate: number } }[];
  assert.deepEqual(ranked.map((r) => [r.action, r.posterior.count, r.posterior.rate]), [['restart', 1, 1], ['scale-up', 1, 0]]);
  assert.equal((await s.call('GET', '/recommendations?status=bogus')).status, 400);
  assert.equal((await s.call('POST', `/recommendations/${a!.id}/feedback`, { helpful: 'yes' })).status, 400);
  assert.equal((await s.call('POST', '/recommendations/nope/dismiss')).status, 404);
  assert.equal((await s.call('GET', '/recommendations', undefined, { 'x-tenant': 'b' })).json.recommendations!.toString(), '');
  assert.equal((await s.call('POST', `/recommendations/${a!.id}/dismiss`)).status, 200);
  assert.equal((await s.call('POST', `/recommendations/${a!.id}/apply`)).status, 409);
});
