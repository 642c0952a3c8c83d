import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { Registry } from 'prom-client';
import { createApp } from '../http/app.js';
import { referenceRoutes } from '../http/routes/reference.js';
import { statusRoutes } from '../http/routes/status.js';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { testApiDeps } from '../http/testing/api-deps.js';
import { listen } from '../http/testing/listen.js';
import { createLogger } from '../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';

const cli = new URL('../cli.ts', import.meta.url).pathname;

function sextant(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { env: { ...process.env, SEXTANT_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A CSV of `rows` hosts, about 2 MB at 50,000 rows. */
function hostsCsv(rows: number, team = (i: number) => `team-${i % 7}`): string {
  const lines = ['instance,team,cost_per_hour'];
  for (let i = 0; i < rows; i++) lines.push(`node-${i}:9100,${team(i)},${(i % 100) / 4}`);
  return `${lines.join('\n')}\n`;
}

test('sextant import through a running service names the service\'s config, source and warehouse, uploads the file with progress, and re-importing replaces by key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-import-'));
  const { deps, close } = await testApiDeps({ configFile: '/srv/team-a/sextant.yaml' });
  const token = 'token-of-an-editor-0001';
  const app = createApp({
    registry: new Registry(),
    families: new SeriesFamilies(),
    log: createLogger('error', () => {}),
    tokens: [{ name: 'editor', token, tenant: 'team-a', role: 'editor' }],
    metricsToken: undefined,
    isReady: () => true,
    bodyLimitBytes: 4096,
    requestTimeoutMs: 10_000,
    apiRouters: [referenceRoutes(deps), statusRoutes(deps)],
  });
  const server = await listen(app);
  t.after(async () => {
    await server.close();
    await close();
    await rm(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'hosts.csv');
  await writeFile(file, hostsCsv(50_000));
  const first = await sextant('import', '--server', server.url, '--token', token, '--table', 'hosts', '--file', file, '--key', 'instance');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^imported 50000 rows into reference table hosts \(tenant team-a\): 0 stored rows replaced, 50000 rows now; columns instance text, team text, cost_per_hour number; key instance;/);
  assert.ok(first.stderr.startsWith(`sextant import: through the service at ${server.url}: config /srv/team-a/sextant.yaml, source the built-in demo (seed 1), warehouse /data/sextant.duckdb\n`), first.stderr);
  assert.match(first.stderr, /uploaded 100% \(\d+\.\d of \d+\.\d MiB\), loading\.\.\./);
  await writeFile(file, hostsCsv(10, () => 'moved'));
  const second = await sextant('import', '--server', server.url, '--token', token, '--table', 'hosts', '--file', file, '--key', 'instance');
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /imported 10 rows .*: 10 stored rows replaced, 50000 rows now/);
  const stored = await deps.stores.reference.rows('team-a', 'hosts', 100_000);
  assert.equal(stored.length, 50_000);
  const moved = stored.filter((r) => r.team === 'moved').map((r) => r.instance as string);
  assert.deepEqual(moved.sort(), Array.from({ length: 10 }, (_, i) => `node-${i}:9100`).sort());

  await writeFile(file, 'instance,team,cost_per_hour\nnode-1:9100,web,cheap\n');
  const bad = await sextant('import', '--server', server.url, '--token', token, '--table', 'hosts', '--file', file, '--key', 'instance');
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /answered 400: line 2, column cost_per_hour: "cheap" is not a number/);
});

test('sextant import opens the warehouse file named by --warehouse, and explains bad options', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');
  const file = join(dir, 'tiers.ndjson');
  await writeFile(file, '{"customer":"acme","tier":"gold"}\n{"customer":"globex","tier":"silver"}\n');
  const done = await sextant('import', '--warehouse', path, '--tenant', 'team-b', '--table', 'tiers', '--file', file, '--key', 'customer');
  assert.equal(done.status, 0, done.stderr);
  assert.match(done.stdout, /^imported 2 rows into reference table tiers \(tenant team-b\)/);
  const w = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  try {
    assert.deepEqual(await w.reference.rows('team-b', 'tiers', 5), [
      { customer: 'acme', tier: 'gold' },
      { customer: 'globex', tier: 'silver' },
    ]);
  } finally {
    await w.close();
  }
  const noFormat = await sextant('import', '--warehouse', path, '--table', 'tiers', '--file', join(dir, 'x.txt'));
  assert.equal(noFormat.status, 2);
  assert.match(noFormat.stderr, /--format: cannot tell the format from the extension/);
  const badType = await sextant('import', '--warehouse', path, '--table', 'tiers', '--file', file, '--type', 'tier=money');
  assert.equal(badType.status, 2);
  assert.match(badType.stderr, /--type tier=money: expected COLUMN=TYPE with a type of text, integer, number, boolean, date, timestamp/);
});

test('sextant import with no service where its config says one runs writes nothing unless told to with --direct, and says where', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cli-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A port nothing listens on: one that was free a moment ago.
  const probe = await listen(express());
  await probe.close();
  const port = new URL(probe.url).port;
  const config = join(dir, 'sextant.yaml');
  // As a fresh clone's config: the warehouse in a data/ folder that does not exist yet.
  await writeFile(config, `server:\n  listen: 127.0.0.1\n  port: ${port}\nwarehouse:\n  path: data/w.duckdb\nsource:\n  kind: demo\n  demo:\n    seed: 4\n`);
  const file = join(dir, 'hosts.csv');
  await writeFile(file, 'instance,team\nnode-1:9100,web\n');
  const refused = await sextant('import', '--config', config, '--table', 'hosts', '--file', file, '--key', 'instance');
  assert.equal(refused.status, 1, refused.stderr);
  assert.equal(
    refused.stderr,
    `sextant import: no Sextant service answers at http://127.0.0.1:${port}, where ${config} says it runs (server.listen, server.port); nothing was written.\n` +
      `  If the service runs with another config, name it: --config FILE, or --server URL.\n` +
      `  To write from this process instead, to the warehouse file ${join(dir, 'data', 'w.duckdb')}, give --direct.\n`,
  );
  assert.equal(existsSync(join(dir, 'data')), false, 'no warehouse file (nor its folder) was created');

  const done = await sextant('import', '--config', config, '--direct', '--table', 'hosts', '--file', file, '--key', 'instance');
  assert.equal(done.status, 0, done.stderr);
  assert.ok(done.stderr.startsWith(`sextant import: writing directly (--direct): config ${config}, source the built-in demo (seed 4), warehouse ${join(dir, 'data', 'w.duckdb')}\n`), done.stderr);
  const w = await openDuckDbWarehouse({ path: join(dir, 'data', 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    assert.deepEqual(await w.reference.rows('default', 'hosts', 5), [{ instance: 'node-1:9100', team: 'web' }]);
  } finally {
    await w.close();
  }
  const both = await sextant('import', '--direct', '--server', 'http://127.0.0.1:1', '--table', 'hosts', '--file', file);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--direct writes to the config's warehouse: give it without --server and --warehouse/);
});
