import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import express from 'express';
import { testApiDeps } from '../testing/api-deps.js';
import { reportsRoutes } from './reports.js';

test('reports API: editors generate, the tenant lists and downloads its own, bad input is a 4xx', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-report-api-'));
  const now = Date.parse('2026-11-25T08:00:00Z');
  const { deps, close } = await testApiDeps({ now: () => now });
  deps.config = { ...deps.config, reports: { ...deps.config.reports, directory: dir } };
  await deps.warehouse.migrate();
  const app = express();
  app.use((req, res, next) => {
    res.locals.auth = { tokenName: 'test', tenant: req.header('x-tenant') ?? 'a', role: req.header('x-role') ?? 'editor' };
    next();
  });
  app.use('/api/v1', express.json(), reportsRoutes(deps));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.close();
    await close();
    await rm(dir, { recursive: true, force: true });
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/reports`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  assert.equal((await post({ period: 'weekly', format: 'html' }, { 'x-role': 'viewer' })).status, 403);
  const bad = await post({ period: 'yearly', format: 'html' });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /period: got "yearly", expected daily, weekly or monthly/);
  assert.equal((await post({ period: 'daily', format: 'html', from: 'last tuesday' })).status, 400);

  const created = await post({ period: 'daily', format: 'html', from: '2026-11-24' });
  assert.equal(created.status, 201);
  const { report } = (await created.json()) as { report: { id: string; from: string; to: string; status: string; download: string; partial: boolean } };
  assert.deepEqual([report.from, report.to, report.status, report.partial], ['2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', 'ok', false]);
  const listed = (await (await fetch(`${base}/reports`)).json()) as { reports: { id: string }[] };
  assert.deepEqual(listed.reports.map((r) => r.id), [report.id]);
  const file = await fetch(`${base}/reports/${report.id}/download`);
  assert.equal(file.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await file.text(), /No data: the warehouse holds nothing for tenant &quot;a&quot;/);
  // Another tenant neither sees nor downloads it.
  assert.deepEqual(((await (await fetch(`${base}/reports`, { headers: { 'x-tenant': 'b' } })).json()) as { reports: unknown[] }).reports, []);
  assert.equal((await fetch(`${base}/reports/${report.id}/download`, { headers: { 'x-tenant': 'b' } })).status, 404);

  // from: now is the day running now (08:00): a partial report, marked as such in the list and the file.
  const today = ((await (await post({ period: 'daily', format: 'html', from: 'now' })).json()) as { report: { id: string; from: string; to: string; partial: boolean } }).report;
  assert.deepEqual([today.from, today.to, today.partial], ['2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z', true]);
  const todayHtml = await (await fetch(`${base}/reports/${today.id}/download`)).text();
  assert.match(todayHtml, /<title>Sextant daily report, 2026-11-25 \(partial\)<\/title>/);
  assert.match(todayHtml, /<p class="partial" data-partial>Partial report: this daily period runs to 2026-11-26 00:00 UTC, but the report was made at 2026-11-25 08:00 UTC;/);
  assert.match(todayHtml, /No data: the warehouse holds nothing for tenant &quot;a&quot; from 2026-11-25 00:00 UTC to 2026-11-25 08:00 UTC/);
  const yesterday = ((await (await post({ period: 'daily', format: 'html', from: 'now-1d' })).json()) as { report: { from: string; partial: boolean } }).report;
  assert.deepEqual([yesterday.from, yesterday.partial], ['2026-11-24T00:00:00.000Z', false]);

  const csv = ((await (await post({ period: 'weekly', format: 'csv' })).json()) as { report: { id: string } }).report;
  assert.equal((await fetch(`${base}/reports/${csv.id}/download`)).status, 400);
  const table = await fetch(`${base}/reports/${csv.id}/download?table=ingest`);
  assert.equal(table.status, 200);
  assert.match(await table.text(), /^dataset,runs,failed_runs,rows,coverage,gaps,longest_gap_hours,first_gap_start,last_error\r\n$/);
  const metrics = await deps.registry.getSingleMetricAsString('sextant_report_runs_total');
  assert.match(metrics, /sextant_report_runs_total\{period="daily",format="html",outcome="ok"\} 3/);
  assert.match(metrics, /sextant_report_runs_total\{period="weekly",format="csv",outcome="ok"\} 1/);
});
