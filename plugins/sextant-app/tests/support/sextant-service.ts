// A real `sextant serve` on the repository's demo configuration (sextant.yaml), as a child process on
// a free loopback port with its warehouse in a temporary folder; the first ingest is shortened so
// the tests start within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { REPO_ROOT } from './paths.js';

export interface SextantService {
  url: string;
  /** The demo configuration's token (public, in sextant.yaml). */
  token: string;
  /** What the service wrote to stderr lately, and its exit code once it has exited (for failures). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface SextantOptions {
  /** Default: the repository's demo configuration (sextant.yaml). */
  configFile?: string;
  /** SEXTANT_* overrides on top of the ones below. */
  env?: Record<string, string>;
  /** A port and a warehouse folder to reuse (a restart); by default new ones, the folder deleted at stop. */
  port?: number;
  dir?: string;
}

export async function startSextant(options: SextantOptions = {}): Promise<SextantService> {
  const configFile = options.configFile ?? join(REPO_ROOT, 'sextant.yaml');
  const token = parse(readFileSync(configFile, 'utf8')).auth.tokens[0].token as string;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sextant-plugin-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'exporter', 'dist', 'cli.js'), 'serve', '--config', configFile], {
    env: {
      ...env,
      SEXTANT_SERVER_PORT: String(port),
      SEXTANT_WAREHOUSE_PATH: join(dir, 'w.duckdb'),
      SEXTANT_INGEST_INITIAL_LOOKBACK: '1d',
      SEXTANT_LOG_LEVEL: 'warn',
      // Every stage soon after the first ingest, so scores, predictions and recommendations exist (the
      // training job retries at the inference interval while the warehouse is still empty).
      SEXTANT_INGEST_INTERVAL: '5s',
      SEXTANT_PREDICT_INTERVAL: '5s',
      SEXTANT_RECOMMEND_INTERVAL: '5s',
      SEXTANT_WAREHOUSE_ROLLUP_INTERVAL: '5s',
      // A small forest: the first model (trained once the first ingest is in) comes in a few seconds.
      SEXTANT_PREDICT_TREES: '20',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const output = () => `${child.exitCode === null && child.signalCode === null ? 'running' : `exited with ${child.exitCode ?? child.signalCode}`}; stderr: ${stderr}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  };
  // Ready once every dataset has a watermark: the first ingest is in the warehouse.
  for (let attempt = 0; attempt < 480; attempt++) {
    if (child.exitCode !== null) break;
    const body = await fetch(`${url}/api/v1/datasets`, { headers: { authorization: `Bearer ${token}` } })
      .then((r) => (r.ok ? (r.json() as Promise<{ datasets: Array<{ watermark: number | null }> }>) : undefined))
      .catch(() => undefined);
    if (body && body.datasets.length > 0 && body.datasets.every((d) => d.watermark !== null)) {
      return { url, token, output, stop };
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`sextant serve did not become ready: ${stderr.slice(-2000)}`);
}
