// Real Prometheus and Alertmanager (Debian packages) on free loopback ports with temporary storage,
// for tests that need alerts to travel the real path: rule evaluation, notification, webhook.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Process {
  url: string;
  dir: string;
  output(): string;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${output()}`);
}

async function start(cmd: string, args: (dir: string, port: number) => string[], files: (dir: string, port: number) => void, ready: string): Promise<Process> {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-proc-'));
  const port = await freePort();
  files(dir, port);
  const child = spawn(cmd, args(dir, port), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const proc: Process = {
    url,
    dir,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  try {
    await waitReady(`${url}${ready}`, child, () => log);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}

/** Prometheus evaluating `rules` every second on a target scraped every second, alerting to `alertmanager`. */
export function startPrometheus(options: { target: string; rules: string; alertmanager: string }): Promise<Process> {
  return start(
    'prometheus',
    (dir, port) => [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    (dir) => {
      writeFileSync(join(dir, 'rules.yml'), options.rules);
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'rule_files: [rules.yml]',
          `alerting: { alertmanagers: [ { static_configs: [ { targets: ["${new URL(options.alertmanager).host}"] } ] } ] }`,
          `scrape_configs: [ { job_name: target, static_configs: [ { targets: ["${new URL(options.target).host}"] } ] } ]`,
          '',
        ].join('\n'),
      );
    },
    '/-/ready',
  );
}

/** Alertmanager (no cluster) with the given configuration; `files` are written beside it first. */
export function startAlertmanager(config: string, files: Record<string, string> = {}): Promise<Process> {
  return start(
    '/usr/bin/prometheus-alertmanager',
    (dir, port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    (dir) => {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
      writeFileSync(join(dir, 'alertmanager.yml'), config.replaceAll('$DIR', dir));
    },
    '/-/ready',
  );
}
