// The audit log through the whole API (real tokens, every router, DuckDB): each state change is
// recorded with who, when, what and the result, refused ones included; reads are not; only admins
// read it, each their own tenant's, with filters and paging; the schedule's reports are in it too.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { BackfillRunner } from '../../jobs/backfill-runner.js';
import { createWriteTurns } from '../../jobs/write-turns.js';
import { ReportService } from '../../reports/report-service.js';
import { createDemoSource, demoDatasets } from '../../sources/demo-source.js';
import { listenApi } from '../testing/listen.js';
import { testApiDeps } from '../testing/api-deps.js';
import { apiRouters } from './index.js';

const HOUR = 3_600_000;

interface Entry {
  id: number;
  at: string;
  tokenName: string;
  role: string;
  action: string;
  target?: string;
  request: string;
  detail?: string;
  status: number;
  result: string;
  error?: string;
}

test('audit log: every state change with who, when, what and result; admins only, per tenant, filtered and paged', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-audit-'));
  const now = Date.parse('2026-11-25T08:00:00Z');
  const datasets = demoDatasets('a').filter((d) => d.name === 'up');
  const { deps, close } = await testApiDeps({ now: () => now, datasets });
  await deps.warehouse.migrate();
  deps.config = { ...deps.config, reports: { ...deps.config.reports, directory: dir } };
  deps.backfills = new BackfillRunner({
    warehouse: deps.warehouse,
    source: createDemoSource({ seed: 1, now: () => now }),
    datasets,
    turns: createWriteTurns(),
    registry: new Registry(),
    log: deps.log,
    now: () => now,
    delayMs: 0,
    windowMs: HOUR,
    pointsRetentionMs: 30 * 24 * HOUR,
    maxRangeMs: 400 * 24 * HOUR,
  });
  const tokens = [
    { name: 'alice', token: 'viewer-token', tenant: 'a', role: 'viewer' as const },
    { name: 'bob', token: 'editor-token', tenant: 'a', role: 'editor' as const },
    { name: 'carol', token: 'admin-token', tenant: 'a', role: 'admin' as const },
    { name: 'dave', token: 'other-admin', tenant: 'b', role: 'admin' as const },
  ];
  const server = await listenApi(apiRouters(deps), tokens, { registry: deps.registry, log: deps.log, bodyLimitBytes: 100_000, requestTimeoutMs: 30_000 });
  t.after(async () => {
    await deps.backfills!.stop();
    await server.close();
    await close();
    await rm(dir, { recursive: true, force: true });
  });
  const call = (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const audit = async (token: string, query = ''): Promise<{ entries: Entry[]; next: string | null }> => {
    const response = await call(token, 'GET', `/audit${query}`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { entries: Entry[]; next: string | null };
  };

  const started = await call('editor-token', 'POST', '/backfill', { from: '2026-11-25T05:00:00Z' });
  assert.equal(started.status, 202);
  const backfillId = ((await started.json()) as { backfill: { id: string } }).backfill.id;
  assert.equal((await call('viewer-token', 'POST', '/backfill', { from: '2026-11-25T05:00:00Z' })).status, 403);
  assert.equal((await call('editor-token', 'POST', '/backfill', { from: 'yesterday-ish' })).status, 400);
  assert.equal((await call('editor-token', 'DELETE', '/backfill/no-such-job')).status, 404);
  assert.equal((await call('editor-token', 'POST', '/recommendations/r-1/approve')).status, 403);
  const imported = await fetch(`${server.url}/api/v1/reference/hosts?key=instance`, {
    method: 'PUT',
    headers: { authorization: 'Bearer editor-token', 'content-type': 'text/csv' },
    body: 'instance,cost\nh1,3\nh2,4\n',
  });
  assert.equal(imported.status, 200, await imported.clone().text());
  // Reads change nothing and are not recorded.
  assert.equal((await call('editor-token', 'GET', '/datasets')).status, 200);
  assert.equal((await call('viewer-token', 'POST', '/query', { dataset: 'up', measures: ['avg'], groupBy: [], filters: [], bucket: '1h', range: { start: '2026-11-25T00:00:00Z', end: '2026-11-25T06:00:00Z' } })).status, 200);

  // Only an admin reads it.
  for (const token of ['viewer-token', 'editor-token']) {
    const denied = await call(token, 'GET', '/audit');
    assert.equal(denied.status, 403);
    assert.match(((await denied.json()) as { error: string }).error, /admin needed/);
  }
  // Entries are written once each answer is sent: wait for the six.
  let all = await audit('admin-token');
  for (let i = 0; i < 100 && all.entries.length < 6; i++) {
    await new Promise((r) => setTimeout(r, 20));
    all = await audit('admin-token');
  }
  const summary = all.entries.map((e) => [e.tokenName, e.role, e.action, e.target, e.request, e.status, e.result]);
  assert.deepEqual(summary, [
    ['bob', 'editor', 'reference.import', 'hosts', 'PUT /api/v1/reference/hosts?key=instance', 200, 'ok'],
    ['bob', 'editor', 'recommendation.approve', 'r-1', 'POST /api/v1/recommendations/r-1/approve', 403, 'denied'],
    ['bob', 'editor', 'backfill.cancel', 'no-such-job', 'DELETE /api/v1/backfill/no-such-job', 404, 'refused'],
    ['bob', 'editor', 'backfill.start', undefined, 'POST /api/v1/backfill', 400, 'refused'],
    ['alice', 'viewer', 'backfill.start', undefined, 'POST /api/v1/backfill', 403, 'denied'],
    ['bob', 'editor', 'backfill.start', backfillId, 'POST /api/v1/backfill', 202, 'ok'],
  ]);
  const [, approve, cancel, bad, viewer, ok] = all.entries;
  assert.match(approve!.error!, /admin needed/);
  assert.match(cancel!.error!, /no backfill no-such-job/);
  assert.match(bad!.error!, /from/);
  assert.match(viewer!.error!, /editor needed/);
  assert.equal(ok!.error, undefined);
  assert.deepEqual(JSON.parse(ok!.detail!), { from: '2026-11-25T05:00:00Z' });
  assert.equal(ok!.at, new Date(now).toISOString());
  assert.ok(all.entries.every((e, i) => i === 0 || e.id < all.entries[i - 1]!.id), 'newest first');
  assert.equal(all.next, null);

  // Filters and paging.
  assert.deepEqual((await audit('admin-token', '?action=backfill.cancel,recommendation.approve')).entries.map((e) => e.action), ['recommendation.approve', 'backfill.cancel']);
  assert.deepEqual((await audit('admin-token', '?token=alice')).entries.map((e) => e.tokenName), ['alice']);
  assert.deepEqual((await audit('admin-token', '?result=ok')).entries.map((e) => e.target), ['hosts', backfillId]);
  assert.equal((await audit('admin-token', `?from=${now + HOUR}`)).entries.length, 0);
  assert.equal((await audit('admin-token', `?to=${now + HOUR}`)).entries.length, 6);
  const page1 = await audit('admin-token', '?limit=2');
  const page2 = await audit('admin-token', `?limit=2&before=${page1.next}`);
  const page3 = await audit('admin-token', `?limit=2&before=${page2.next}`);
  assert.deepEqual([...page1.entries, ...page2.entries, ...page3.entries].map((e) => e.id), all.entries.map((e) => e.id));
  assert.equal((await audit('admin-token', `?limit=2&before=${page3.next}`)).entries.length, 0, 'a full last page points at an empty one');
  for (const query of ['?result=maybe', '?limit=0', '?from=soon', `?from=${now}&to=${now}`]) {
    assert.equal((await call('admin-token', 'GET', `/audit${query}`)).status, 400, query);
  }

  // Another tenant's admin sees none of it.
  assert.deepEqual((await audit('other-admin')).entries, []);

  // A report of the schedule is recorded as the schedule's.
  const reports = new ReportService({ stores: deps.stores, config: deps.config, registry: new Registry(), log: deps.log, now: () => now });
  const report = await reports.create('a', 'daily', 'csv', { start: now - 32 * HOUR, end: now - 8 * HOUR }, 'schedule');
  const [scheduled] = (await audit('admin-token', '?action=report.generate')).entries;
  assert.deepEqual([scheduled!.tokenName, scheduled!.role, scheduled!.target, scheduled!.result, scheduled!.status], ['schedule', 'schedule', report.id, 'ok', 201]);
});
