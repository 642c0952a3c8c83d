// `sextant backfill` as a user runs it with no service running: the built CLI, a config file, the
// DuckDB file on disk, opened by the command itself when --direct says so (tests/service-backfill.test.ts
// covers the way through a running service). The config's server port is one nothing listens on, so
// that a service running on this machine is never mistaken for this config's. Its warehouse lies in a
// data/ folder that does not exist yet, as in a fresh clone's sextant.yaml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenario } from '@sextant/core/demo';
import { run } from '../exporter/src/cli/backfill.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { assertNoGapNoDuplicate, storedPoints } from './support/ingest-check.js';
import { finalProgressLine } from './support/backfill-progress.js';
import { freePort } from './support/prometheus.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'exporter', 'dist', 'cli.js');

function sextant(args: string[], cwd: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function demoConfig(t: { after(fn: () => unknown): void }, port?: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-backfill-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'sextant.yaml'), `server:\n  listen: 127.0.0.1\n  port: ${port ?? (await freePort())}\nwarehouse:\n  path: data/w.duckdb\nsource:\n  kind: demo\n  demo:\n    seed: 3\ningest:\n  chunk: 1h\n`);
  return dir;
}

test('with no service where the config says one runs, backfill writes nothing and says where it looked and how to write directly', async (t) => {
  const port = await freePort();
  const dir = await demoConfig(t, port);
  const result = await sextant(['backfill', '--from', '1h', '--config', 'sextant.yaml'], dir);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(
    result.stderr,
    `sextant backfill: no Sextant service answers at http://127.0.0.1:${port}, where ${join(dir, 'sextant.yaml')} says it runs (server.listen, server.port); nothing was written.\n` +
      `  If the service runs with another config, name it: --config FILE, or --server URL.\n` +
      `  To write from this process instead, to the warehouse file ${join(dir, 'data', 'w.duckdb')}, give --direct.\n`,
  );
  assert.equal(existsSync(join(dir, 'data')), false, 'no warehouse file (nor its folder) was created');
});

test('backfill fills the range with the demo values, with progress, and a re-run replaces instead of duplicating', async (t) => {
  const dir = await demoConfig(t);
  const first = await sextant(['backfill', '--from', '150m', '--dataset', 'http_error_ratio', '--dataset', 'up', '--config', 'sextant.yaml', '--direct'], dir);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(
    first.stderr.startsWith(`sextant backfill: writing directly (--direct): config ${join(dir, 'sextant.yaml')}, source the built-in demo (seed 3), warehouse ${join(dir, 'data', 'w.duckdb')}\n`),
    first.stderr,
  );
  assert.match(first.stderr, finalProgressLine(String.raw`(\d+)`));
  assert.match(first.stderr, /backfilled \d+ rows in [68] windows of 2 datasets/);

  const again = await sextant(['backfill', '--from', '150m', '--config', 'sextant.yaml', '--dataset', 'up', '--direct'], dir);
  assert.equal(again.code, 0, again.stderr);

  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'data', 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const demo = scenario(3);
    for (const dataset of ['http_error_ratio', 'up'] as const) {
      await assertNoGapNoDuplicate(warehouse, dataset, 60_000);
      const stored = await storedPoints(warehouse, dataset);
      assert.equal(stored.size, demo.entities(dataset).length);
      for (const [key, points] of stored) {
        assert.ok(points.length >= 145, `${dataset} ${key}: ${points.length} points`);
        const labels = Object.fromEntries([...key.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
        for (const [ts, value] of points) assert.equal(value, demo.value(dataset, labels, ts), `${dataset} ${key} at ${ts}`);
      }
    }
    const [rollups] = await warehouse.handle.read(`SELECT count(*) AS n FROM rollup_1h WHERE dataset = 'up'`);
    assert.ok(Number(rollups!.n) > 0, 'rolled up at the end');
  } finally {
    await warehouse.close();
  }
});

test('backfill --direct fills the logs and traces datasets too, as the service does (the demo\'s Loki and Jaeger stand-ins)', async (t) => {
  const dir = await demoConfig(t);
  const result = await sextant(['backfill', '--from', '150m', '--dataset', 'log_error_lines', '--dataset', 'traces', '--config', 'sextant.yaml', '--direct'], dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /backfilled \d+ rows in \d+ windows of 2 datasets/);
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'data', 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const services = (stored: Map<string, unknown>) => [...new Set([...stored.keys()].map((key) => /service="([^"]+)"/.exec(key)?.[1]))].sort();
    // The demo's three services log errors and answer traced requests.
    assert.deepEqual(services(await storedPoints(warehouse, 'log_error_lines')), ['checkout', 'payments', 'search']);
    assert.deepEqual(services(await storedPoints(warehouse, 'traces')), ['checkout', 'payments', 'search']);
  } finally {
    await warehouse.close();
  }
});

test('a warehouse held by another process (a running service) is a clear error, not a crash', async (t) => {
  const dir = await demoConfig(t);
  await mkdir(join(dir, 'data'));
  const holder = await openDuckDbWarehouse({ path: join(dir, 'data', 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const result = await sextant(['backfill', '--from', '1h', '--config', 'sextant.yaml', '--direct'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\nsextant backfill: the warehouse file .*w\.duckdb is held by another process \(most likely a running "sextant serve"\)/);
  } finally {
    await holder.close();
  }
});

test('bad options are refused with the reason and exit code 2', async (t) => {
  const dir = await demoConfig(t);
  const config = join(dir, 'sextant.yaml');
  const cases: Array<[string[], RegExp]> = [
    [[], /--from is required/],
    [['--from', 'yesterday'], /--from: "yesterday" is neither an ISO date\/time/],
    [['--from', '1h', '--to', '2h'], /--from \(.*\) must be before --to/],
    [['--from', '1h', '--dataset', 'nope'], /unknown dataset "nope"; the configured ones are: up, node_cpu_utilisation_ratio/],
    [['--from', '1h', '--config', join(dir, 'missing.yaml')], /missing\.yaml: cannot read the config file: ENOENT/],
    [['--from', '1h', '--bogus'], /Unknown option '--bogus'/],
    [['--from', '1h', '--direct', '--server', 'http://127.0.0.1:1'], /give --server or --direct, not both/],
  ];
  // In-process: these all stop before touching the warehouse, and a process per case would be slow.
  const write = process.stderr.write;
  for (const [args, expected] of cases) {
    let stderr = '';
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await run([...args, ...(args.includes('--config') ? [] : ['--config', config]), ...(args.includes('--server') ? [] : ['--direct'])]);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, expected);
  }
});
