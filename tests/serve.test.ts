// `sextant serve` end to end, as a user runs it: a child process on a free port with the demo
// config in a temp dir. Checks readiness, /metrics with the real promtool, the API's numbers against
// the demo scenario computed independently, tokens and tenants, and a clean SIGTERM that leaves a
// DuckDB file that reopens.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataFrame } from '@sextant/core';
import { scenario } from '@sextant/core/demo';
import { promtoolCheckMetrics } from '../exporter/src/http/testing/promtool.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { sextantTableProblems } from './support/sextant-metrics-table.js';

const root = join(import.meta.dirname, '..');
const token = 'e2e-token-of-tenant-default';
const otherToken = 'e2e-token-of-tenant-other';
const metricsToken = 'e2e-token-of-the-scraper';
const HOUR = 3_600_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it returns a value (at most `attempts` times, 250 ms apart). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, attempts = 400): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`gave up waiting for ${what}`);
}

let dir: string;
let base: string;
let child: ChildProcess;
let stderr = '';
let exited: Promise<number | null>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-serve-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'sextant.yaml'),
    [
      'server: { listen: 127.0.0.1, port: ' + port + ', shutdownTimeout: 20s }',
      'warehouse: { path: data/w.duckdb, rollupInterval: 1s }',
      'auth:',
      '  metricsToken: { file: metrics-token }',
      '  tokens:',
      `    - { name: e2e, token: ${token}, tenant: default, role: viewer }`,
      `    - { name: other, token: { env: E2E_OTHER_TOKEN }, tenant: other, role: admin }`,
      'source: { kind: demo, demo: { seed: 7 } }',
      'ingest: { initialLookback: 6h, chunk: 2h }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'metrics-token'), `${metricsToken}\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  child = spawn(process.execPath, [join(root, 'exporter', 'dist', 'cli.js'), 'serve', '--config', join(dir, 'sextant.yaml')], {
    env: { ...env, E2E_OTHER_TOKEN: otherToken },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
});

after(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit & { bearer?: string } = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}) } });

async function metric(name: string, labels: string): Promise<number | undefined> {
  const text = await (await api('/metrics', { bearer: metricsToken })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

test('sextant serve: ready, real data in the API and /metrics, tokens and tenants, clean SIGTERM', { timeout: 180_000 }, async () => {
  await eventually('/-/ready', async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined));

  // The first ingest backfills initialLookback; wait for every dataset's watermark.
  const datasets = await eventually('first ingest', async () => {
    const body = (await (await api('/api/v1/datasets', { bearer: token })).json()) as { datasets: Array<{ name: string; watermark: number | null }> };
    return body.datasets.length > 0 && body.datasets.every((d) => d.watermark !== null) ? body.datasets : undefined;
  });
  assert.ok(datasets.some((d) => d.name === 'http_requests_per_second'));
  const watermark = datasets.find((d) => d.name === 'http_requests_per_second')?.watermark as number;

  // Raw points equal the demo scenario at the same timestamps (computed here, independently).
  const demo = scenario(7);
  const range = { start: watermark - 2 * HOUR, end: watermark };
  const res = await api('/api/v1/query', {
    method: 'POST',
    bearer: token,
    body: JSON.stringify({ dataset: 'http_requests_per_second', measures: ['avg'], groupBy: ['service'], bucket: 'raw', range }),
  });
  assert.equal(res.status, 200);
  const { frames } = (await res.json()) as { frames: DataFrame[] };
  assert.equal(frames.length, demo.services.length);
  for (const frame of frames) {
    const [time, avg] = frame.fields;
    const service = avg?.labels?.service as string;
    const labels = demo.entities('http_requests_per_second').find((l) => l.service === service);
    assert.ok(labels, `unknown service ${service}`);
    assert.ok((time?.values.length ?? 0) > 100);
    time?.values.forEach((t, i) => {
      const expected = demo.value('http_requests_per_second', labels, t as number);
      assert.ok(Math.abs((avg?.values[i] as number) - (expected as number)) <= 1e-9 * Math.abs(expected as number), `${service} at ${t}`);
    });
  }

  // Rollups: once a rollup run started after the ingest, hourly max equals the max of the points.
  const rollupsBefore = (await metric('sextant_job_runs_total', 'job="rollup",outcome="ok"')) ?? 0;
  await eventually('a rollup after the ingest', async () => (((await metric('sextant_job_runs_total', 'job="rollup",outcome="ok"')) ?? 0) >= rollupsBefore + 2 ? true : undefined));
  const hourStart = Math.floor(watermark / HOUR) * HOUR - 2 * HOUR;
  const hourly = (await (
    await api('/api/v1/query', {
      method: 'POST',
      bearer: token,
      body: JSON.stringify({ dataset: 'http_requests_per_second', measures: ['max'], groupBy: ['service'], filters: [{ label: 'service', op: '=', value: 'checkout' }], bucket: '1h', range: { start: hourStart, end: hourStart + HOUR } }),
    })
  ).json()) as { frames: DataFrame[] };
  const checkout = demo.entities('http_requests_per_second').find((l) => l.service === 'checkout');
  assert.ok(checkout);
  let expectedMax = -Infinity;
  for (let t = hourStart; t < hourStart + HOUR; t += 60_000) expectedMax = Math.max(expectedMax, demo.value('http_requests_per_second', checkout, t) ?? -Infinity);
  assert.ok(Math.abs((hourly.frames[0]?.fields[1]?.values[0] as number) - expectedMax) <= 1e-9 * expectedMax, JSON.stringify(hourly));

  // /metrics: accepted by the real promtool, with the ingest's own numbers in it.
  assert.equal((await api('/metrics')).status, 401);
  const exposition = await (await api('/metrics', { bearer: metricsToken })).text();
  const check = promtoolCheckMetrics(exposition);
  assert.ok(check.ok, check.output);
  assert.ok(((await metric('sextant_ingest_rows_total', 'dataset="http_requests_per_second"')) ?? 0) > 0);
  assert.match(exposition, /^process_resident_memory_bytes \d+/m);
  // Sextant's own families, types and labels are those of the table the rule generator checks
  // selectors with (src/rules/sextant-metrics.ts); the anomaly families appear once a point is scored.
  const scored = await eventually('a scored point on /metrics', async () => {
    const text = await (await api('/metrics', { bearer: metricsToken })).text();
    return /^sextant_anomaly_score\{/m.test(text) ? text : undefined;
  });
  assert.deepEqual(sextantTableProblems(scored), []);

  // Tokens and tenants.
  const anonymous = await api('/api/v1/datasets');
  assert.equal(anonymous.status, 401);
  const otherTenant = await api('/api/v1/query', {
    method: 'POST',
    bearer: otherToken,
    body: JSON.stringify({ dataset: 'http_requests_per_second', measures: ['avg'], bucket: 'raw', range }),
  });
  assert.equal(otherTenant.status, 404, 'tenant "other" has no demo datasets and must not see tenant default\'s');
  assert.deepEqual(await (await api('/api/v1/ingest-runs', { bearer: otherToken })).json(), { runs: [] });

  // SIGTERM: exit 0, and the warehouse file reopens with the data in it.
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr.slice(-2000));
  assert.match(stderr, /"msg":"shutdown complete"/);
  const lines = stderr.trim().split('\n');
  assert.ok(lines.every((line) => JSON.parse(line)), 'every log line is JSON');
  assert.ok(!stderr.includes(token) && !stderr.includes(otherToken), 'a token reached the log');
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'data', 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    assert.equal(await warehouse.watermark('default', 'http_requests_per_second'), watermark);
  } finally {
    await warehouse.close();
  }
});

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  const proc = spawn(process.execPath, [join(root, 'exporter', 'dist', 'cli.js'), ...args], { env: { ...clean, ...env } });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stdout, stderr })));
}

test('sextant serve refuses a bad config with every problem and exit status 2', async () => {
  const bad = mkdtempSync(join(tmpdir(), 'sextant-bad-'));
  try {
    writeFileSync(join(bad, 'sextant.yaml'), 'server:\n  prot: 9890\nsource:\n  kind: prometheus\n');
    const result = await runCli(['serve'], { SEXTANT_CONFIG: join(bad, 'sextant.yaml'), SEXTANT_LOG_LEVEL: 'loud' });
    assert.equal(result.code, 2);
    const file = join(bad, 'sextant.yaml');
    assert.equal(
      result.stderr,
      [
        'sextant: invalid configuration',
        `  ${file}: server.prot: unknown key, did you mean "port"?`,
        `  SEXTANT_LOG_LEVEL: log.level: got "loud" (string), expected one of debug, info, warn, error`,
        `  ${file}: source.prometheus.url: required when source.kind is prometheus`,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});

test('sextant serve --print-config shows the effective config with secrets redacted', async () => {
  const result = await runCli(['serve', '--config', join(root, 'sextant.yaml'), '--print-config'], { SEXTANT_SERVER_PORT: '9999' });
  assert.equal(result.code, 0, result.stderr);
  const config = JSON.parse(result.stdout);
  assert.equal(config.server.port, 9999);
  assert.equal(config.auth.tokens[0].token, '[redacted]');
  assert.ok(!result.stdout.includes('sextant-demo-token-not-secret'));
});
