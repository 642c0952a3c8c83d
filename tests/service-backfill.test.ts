// `sextant backfill` and `sextant export` while the service runs, as a user meets them: the built
// CLI, a real `sextant serve` child on the demo source with its DuckDB file in a temp dir. The
// service owns the file, so both commands go through its API (/api/v1/backfill, /api/v1/export);
// once it stops, export opens the file itself, and the two exports must hold the same rows.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { scenario } from '@sextant/core/demo';
import { promtoolCheckMetrics } from '../exporter/src/http/testing/promtool.js';
import { finalProgressLine } from './support/backfill-progress.js';
import { freePort } from './support/prometheus.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'exporter', 'dist', 'cli.js');
const SEED = 3;
const HOUR = 3_600_000;
const tokens = { editor: 'backfill-e2e-editor-token', viewer: 'backfill-e2e-viewer-token', other: 'backfill-e2e-other-admin', metrics: 'backfill-e2e-metrics-token' };
// Two whole hours well before what the service ingests by itself (initialLookback 30m).
const rangeStart = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
const range = { from: new Date(rangeStart).toISOString(), to: new Date(rangeStart + 2 * HOUR).toISOString() };

// The children get no SEXTANT_ variable of the caller's environment, only what a test gives.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));

let dir: string;
let base: string;
let service: ChildProcess;
let serviceLog = '';
let serviceExit: Promise<number | null>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sextant(args: string[], env: Record<string, string> = {}, onStderr?: (text: string, child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr, child);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function api(method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Rows of a Parquet file, read back with DuckDB, in a stable order. */
async function parquetRows(file: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT * EXCLUDE (labels), CAST(labels AS VARCHAR) AS labels FROM read_parquet('${file}') ORDER BY series_key, time_ms`);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-service-backfill-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'sextant.yaml'),
    [
      `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 20s }`,
      'warehouse: { path: w.duckdb }',
      'auth:',
      `  metricsToken: ${tokens.metrics}`,
      '  tokens:',
      `    - { name: editor, token: ${tokens.editor}, tenant: default, role: editor }`,
      `    - { name: viewer, token: ${tokens.viewer}, tenant: default, role: viewer }`,
      `    - { name: other, token: ${tokens.other}, tenant: other, role: admin }`,
      `source: { kind: demo, demo: { seed: ${SEED} } }`,
      'ingest: { initialLookback: 30m, chunk: 1h }',
      '',
    ].join('\n'),
  );
  service = spawn(process.execPath, [cli, 'serve', '--config', 'sextant.yaml'], { cwd: dir, env: cleanEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  service.stderr?.on('data', (c: Buffer) => (serviceLog += c.toString()));
  serviceExit = new Promise((resolve) => service.once('exit', resolve));
  for (let i = 0; ; i++) {
    const ready = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (i > 240 || service.exitCode !== null) throw new Error(`the service did not get ready:\n${serviceLog}`);
    await sleep(250);
  }
});

after(() => {
  if (service.exitCode === null) service.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a CLI backfill through the running service fills a range it had not ingested with the demo values, and a re-run adds no duplicate', async () => {
  const before = await api('GET', `/api/v1/export?dataset=up&from=${range.from}&to=${range.to}`, tokens.viewer);
  assert.equal(before.status, 200);
  assert.equal(before.headers.get('x-sextant-rows'), '0', 'the service had not ingested the range');

  // The token from $SEXTANT_TOKEN; the service from the config's server.listen/port.
  const first = await sextant(['backfill', '--from', range.from, '--to', range.to, '--dataset', 'up', '--dataset', 'http_error_ratio', '--config', 'sextant.yaml'], { SEXTANT_TOKEN: tokens.editor });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`a Sextant service answers at ${base}: the backfill runs inside it`));
  assert.ok(first.stderr.includes(`sextant backfill: through the service at ${base}: config ${join(dir, 'sextant.yaml')}, source the built-in demo (seed ${SEED}), warehouse ${join(dir, 'w.duckdb')}\n`), first.stderr);
  assert.doesNotMatch(first.stderr, /note: that service is not/);
  assert.match(first.stderr, finalProgressLine('4'));
  assert.match(first.stderr, /backfilled \d+ rows in 4 windows of 2 datasets in \d+:\d\d \(backfill [0-9a-f-]+, done\)/);

  const demo = scenario(SEED);
  const run = await sextant(['export', '--config', 'sextant.yaml', '--dataset', 'up', '--from', range.from, '--to', range.to, '--out', 'service.parquet'], { SEXTANT_TOKEN: tokens.viewer });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`wrote \\d+ rows \\(dataset up, tenant default, level points, .*\\) to service.parquet through the service at ${base}`));
  assert.ok(run.stderr.includes(`sextant export: through the service at ${base}: config ${join(dir, 'sextant.yaml')}`), run.stderr);
  const rows = await parquetRows(join(dir, 'service.parquet'));
  assert.equal(rows.length, demo.entities('up').length * 120, 'every series, a point a minute for 2 hours');
  for (const row of rows) {
    const labels = Object.fromEntries([...String(row.series_key).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const ts = Number(row.time_ms);
    assert.ok(ts >= rangeStart && ts < rangeStart + 2 * HOUR);
    assert.equal(row.value, demo.value('up', labels, ts), `${String(row.series_key)} at ${ts}`);
  }

  // --token wins over $SEXTANT_TOKEN (a wrong one here).
  const again = await sextant(['backfill', '--from', range.from, '--to', range.to, '--dataset', 'up', '--token', tokens.editor, '--server', base], { SEXTANT_TOKEN: 'not-a-token-of-this-service' });
  assert.equal(again.code, 0, again.stderr);
  const res = await api('GET', `/api/v1/export?dataset=up&from=${range.from}&to=${range.to}`, tokens.viewer);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.apache.parquet');
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="up-points-[\w.-]+\.parquet"$/);
  writeFileSync(join(dir, 'service-again.parquet'), Buffer.from(await res.arrayBuffer()));
  assert.deepEqual(await parquetRows(join(dir, 'service-again.parquet')), rows, 'the re-run replaced the range: the same rows, none twice');
});

test('the API refuses what it must: no token 401, a viewer 403, bad ranges and datasets 400 with the reason', async () => {
  const body = { from: range.from, to: range.to };
  assert.equal((await api('POST', '/api/v1/backfill', undefined, body)).status, 401);
  assert.equal((await api('GET', `/api/v1/export?dataset=up&from=${range.from}`)).status, 401);
  const viewer = await api('POST', '/api/v1/backfill', tokens.viewer, body);
  assert.equal(viewer.status, 403);
  assert.match(((await viewer.json()) as { error: string }).error, /role viewer may not run backfills \(editor needed\)/);
  const cliViewer = await sextant(['backfill', '--from', '1h', '--config', 'sextant.yaml', '--token', tokens.viewer]);
  assert.equal(cliViewer.code, 2, cliViewer.stderr);
  assert.match(cliViewer.stderr, /answered 403: POST \/backfill: role viewer may not run backfills/);

  // What the service reads and writes, for any role; the CLI compares it with its own --config.
  assert.equal((await api('GET', '/api/v1/status')).status, 401);
  assert.deepEqual(await (await api('GET', '/api/v1/status', tokens.viewer)).json(), {
    configFile: join(dir, 'sextant.yaml'),
    source: { kind: 'demo', seed: SEED },
    warehouse: { kind: 'duckdb', path: join(dir, 'w.duckdb') },
    caller: { token: 'viewer', tenant: 'default', role: 'viewer' },
  });
  writeFileSync(join(dir, 'other.yaml'), `server: { listen: 127.0.0.1, port: ${new URL(base).port} }\nwarehouse: { path: other.duckdb }\nsource: { kind: demo, demo: { seed: ${SEED + 1} } }\n`);
  const elsewhere = await sextant(['backfill', '--from', '1h', '--config', 'other.yaml', '--token', tokens.viewer]);
  assert.equal(elsewhere.code, 2, elsewhere.stderr);
  assert.ok(
    elsewhere.stderr.includes(
      `sextant backfill: note: that service is not the one ${join(dir, 'other.yaml')} describes: it uses warehouse ${join(dir, 'w.duckdb')}, not ${join(dir, 'other.duckdb')}; source the built-in demo (seed ${SEED}), not the built-in demo (seed ${SEED + 1})\n`,
    ),
    elsewhere.stderr,
  );

  const refusals: Array<[string, string, unknown, RegExp]> = [
    ['POST', '/api/v1/backfill', { from: range.to, to: range.from }, /from \(.*\) must be before to/],
    ['POST', '/api/v1/backfill', { from: 'yesterday' }, /from: "yesterday" is neither an ISO date\/time/],
    ['POST', '/api/v1/backfill', { from: '1h', datasets: ['nope'] }, /unknown dataset "nope" for tenant default; its datasets are: up, /],
    ['POST', '/api/v1/backfill', { from: '1h', until: 'now' }, /unknown field "until"/],
    ['POST', '/api/v1/backfill', { from: new Date(Date.now() + HOUR).toISOString(), to: new Date(Date.now() + 2 * HOUR).toISOString() }, /nothing to backfill/],
    ['GET', `/api/v1/export?dataset=up&from=${range.from}&level=2h`, undefined, /level: got "2h", expected one of points, 5m, 1h, 1d/],
    ['GET', '/api/v1/export?dataset=up', undefined, /query parameter from is required/],
    ['GET', `/api/v1/export?dataset=nope&from=${range.from}`, undefined, /tenant default has no dataset "nope"/],
  ];
  for (const [method, path, payload, expected] of refusals) {
    const res = await api(method, path, tokens.editor, payload);
    assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(payload)}`);
    assert.match(((await res.json()) as { error: string }).error, expected);
  }
  // Tenant "other" has no datasets in this service: its admin backfills nothing of tenant default's.
  const other = await api('POST', '/api/v1/backfill', tokens.other, body);
  assert.equal(other.status, 400);
  assert.match(((await other.json()) as { error: string }).error, /tenant other has no datasets to backfill/);
  assert.deepEqual(await (await api('GET', '/api/v1/backfill', tokens.other)).json(), { backfills: [] });
});

test('a second backfill of the tenant is a 409 while one runs, Ctrl-C cancels the remote one, and /metrics shows its progress', async () => {
  let conflict: Promise<Response> | undefined;
  const run = await sextant(['backfill', '--from', '2d', '--config', 'sextant.yaml'], { SEXTANT_TOKEN: tokens.editor }, (stderr, child) => {
    // The first progress line means the job is planned and running: ask for another, then interrupt.
    if (conflict || !/windows/.test(stderr)) return;
    conflict = api('POST', '/api/v1/backfill', tokens.editor, { from: '1h' }).finally(() => child.kill('SIGINT'));
  });
  assert.ok(conflict, run.stderr);
  const refused = await conflict;
  assert.equal(refused.status, 409);
  assert.match(((await refused.json()) as { error: string }).error, /backfill [0-9a-f-]+ of tenant default is still running \(one at a time per tenant\)/);
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /stopping after the window in progress/);

  const { backfills } = (await (await api('GET', '/api/v1/backfill', tokens.viewer)).json()) as { backfills: Array<{ id: string; state: string; windowsDone: number; windowsTotal: number; cancelRequested: boolean; error?: string }> };
  const [cancelled] = backfills;
  assert.equal(backfills.length, 3, 'the cancelled one and the two of the first test');
  assert.equal(cancelled!.state, 'cancelled');
  assert.equal(cancelled!.cancelRequested, true);
  assert.equal(cancelled!.error, 'cancelled through the API');
  assert.ok(cancelled!.windowsDone < cancelled!.windowsTotal, `${cancelled!.windowsDone} of ${cancelled!.windowsTotal} windows`);
  const one = (await (await api('GET', `/api/v1/backfill/${cancelled!.id}`, tokens.viewer)).json()) as { backfill: unknown };
  assert.deepEqual(one.backfill, { ...backfills[0], elapsedSeconds: (one.backfill as { elapsedSeconds: number }).elapsedSeconds });
  assert.equal((await api('DELETE', `/api/v1/backfill/${cancelled!.id}`, tokens.editor)).status, 409, 'already ended');
  assert.equal((await api('GET', `/api/v1/backfill/${cancelled!.id}`, tokens.other)).status, 404, "another tenant's backfill");

  const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${tokens.metrics}` } })).text();
  const check = promtoolCheckMetrics(metrics);
  assert.ok(check.ok, check.output);
  const sample = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
  assert.equal(sample('sextant_backfill_windows_done\\{tenant="default"\\}'), cancelled!.windowsDone);
  assert.equal(sample('sextant_backfill_windows\\{tenant="default"\\}'), cancelled!.windowsTotal);
  assert.equal(sample('sextant_backfill_running\\{tenant="default"\\}'), 0);
  assert.equal(sample('sextant_backfill_jobs_total\\{tenant="default",state="done"\\}'), 2);
  assert.equal(sample('sextant_backfill_jobs_total\\{tenant="default",state="cancelled"\\}'), 1);
});

test('sextant report goes through the running service: it makes the report (POST /api/v1/reports) and the CLI downloads it', async () => {
  const html = await sextant(['report', '--period', 'daily', '--format', 'html', '--out', 'day.html', '--config', 'sextant.yaml'], { SEXTANT_TOKEN: tokens.editor });
  assert.equal(html.code, 0, html.stderr);
  assert.ok(html.stderr.includes(`sextant report: through the service at ${base}: config ${join(dir, 'sextant.yaml')}`), html.stderr);
  assert.match(html.stdout, new RegExp(`^wrote the daily html report of tenant default \\(.*\\) to day.html \\((\\d+) bytes\\) through the service at ${base} \\(report (daily-[\\w-]+)\\)\n$`));
  const [, bytes, id] = /\((\d+) bytes\).*\(report ([\w-]+)\)/.exec(html.stdout)!;
  const file = readFileSync(join(dir, 'day.html'));
  assert.equal(file.length, Number(bytes));
  assert.match(file.toString(), /^<!doctype html>/i);
  // The same file the service keeps: its list names the report, and its download is byte for byte the CLI's file.
  const { reports } = (await (await api('GET', '/api/v1/reports', tokens.viewer)).json()) as { reports: Array<{ id: string; trigger: string }> };
  assert.equal(reports.find((r) => r.id === id)?.trigger, 'api');
  assert.deepEqual(Buffer.from(await (await api('GET', `/api/v1/reports/${id}/download`, tokens.viewer)).arrayBuffer()), file);

  const csv = await sextant(['report', '--period', 'daily', '--format', 'csv', '--out', 'day-csv', '--server', base, '--token', tokens.editor]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.deepEqual(readdirSync(join(dir, 'day-csv')).sort(), ['alert_rules', 'anomalies', 'capacity', 'failure_risk', 'ingest', 'recommendations', 'services'].map((t) => `${t}.csv`));

  const otherTenant = await sextant(['report', '--period', 'daily', '--format', 'html', '--out', 'no.html', '--config', 'sextant.yaml', '--token', tokens.editor, '--tenant', 'other']);
  assert.equal(otherTenant.code, 2, otherTenant.stderr);
  assert.match(otherTenant.stderr, /--tenant other: the token belongs to tenant default/);
});

test('a shutdown stops a running backfill cleanly; then export opens the file itself and writes the same rows as the export through the service', async () => {
  const running = await api('POST', '/api/v1/backfill', tokens.editor, { from: '2d' });
  assert.equal(running.status, 202);
  service.kill('SIGTERM');
  assert.equal(await serviceExit, 0, serviceLog);
  assert.match(serviceLog, /"msg":"backfill ended".*"state":"cancelled".*"error":"the service shut down during the backfill; start it again to finish"/);
  const run = await sextant(['export', '--config', 'sextant.yaml', '--dataset', 'up', '--from', range.from, '--to', range.to, '--out', 'direct.parquet']);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout, /through the service/);
  assert.ok(run.stderr.startsWith(`sextant export: no Sextant service answers at ${base}; reading the warehouse file itself: config ${join(dir, 'sextant.yaml')}, source the built-in demo (seed ${SEED}), warehouse ${join(dir, 'w.duckdb')}\n`), run.stderr);
  const direct = await parquetRows(join(dir, 'direct.parquet'));
  assert.ok(direct.length > 0);
  assert.deepEqual(direct, await parquetRows(join(dir, 'service.parquet')));

  // report too: with no service it reads the file itself, and says which.
  const report = await sextant(['report', '--period', 'daily', '--format', 'html', '--out', 'direct.html', '--config', 'sextant.yaml']);
  assert.equal(report.code, 0, report.stderr);
  assert.ok(report.stderr.startsWith(`sextant report: no Sextant service answers at ${base}; reading the warehouse file itself: config ${join(dir, 'sextant.yaml')}`), report.stderr);
  assert.doesNotMatch(report.stdout, /through the service/);
  assert.match(readFileSync(join(dir, 'direct.html'), 'utf8'), /^<!doctype html>/i);
});
