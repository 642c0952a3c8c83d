// A real `sextant serve` child process for tests and benchmarks that need the whole service: the
// built CLI on a free loopback port, its config and DuckDB file in a temp dir, its log kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './prometheus.js';
import { repoPath } from './stack.js';

export interface ServeProcess {
  url: string;
  dir: string;
  /** Everything the service wrote to stderr (its log) so far. */
  log(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** Sends `signal` and waits for the process to end (SIGKILL: a crash). */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`); removes the temp dir. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the service with the config `yaml(port)` (written to sextant.yaml) and waits for /-/ready. */
export async function startServe(yaml: (port: number) => string, readyTimeoutMs = 60_000): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-serve-'));
  const port = await freePort();
  writeFileSync(join(dir, 'sextant.yaml'), yaml(port));
  // The child gets no SEXTANT_ variable of the caller's environment: the config file is the whole setup.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  // SERVE_NODE_ARGS: flags for the service's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (bench/long-tasks.ts).
  const nodeArgs = (process.env['SERVE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, repoPath('exporter/bin/sextant.js'), 'serve', '--config', 'sextant.yaml'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sextant serve did not get ready (exit code ${child.exitCode}):\n${log.slice(-4000)}`);
    }
    await sleep(200);
  }
  return {
    url,
    dir,
    log: () => log,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await exited;
      }
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
