// Runs Debian's real Prometheus for a test: a free loopback port, a temporary TSDB, a config written
// here, optional history written into the TSDB with promtool before start (hours of known values in
// a second) and live targets scraped every second. Stop, kill (SIGKILL, like a crash) and start again
// on the same port and data, to test outages.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

export interface PrometheusOptions {
  /** OpenMetrics text (timestamps in seconds, ending with `# EOF`) written into the TSDB before start. */
  history?: string;
  /** host:port of targets to scrape, as job "live". */
  targets?: string[];
  scrapeIntervalSeconds?: number;
  /** Extra YAML appended to the configuration (rule_files, more scrape configs, ...). */
  extraConfig?: string;
}

export interface RunningPrometheus {
  /** Base URL, http://127.0.0.1:<port>. */
  url: string;
  port: number;
  dataDir: string;
  /** Everything Prometheus logged, for a failing test's message. */
  logs(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash, with whatever the WAL holds. */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory, and waits until ready. */
  start(): Promise<void>;
  /** Stops and deletes the data directory. */
  dispose(): Promise<void>;
}

/** A loopback port free right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startPrometheus(options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-prom-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'prometheus.yml');
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const targets = options.targets ?? [];
  await writeFile(
    configFile,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      ...(targets.length ? ['  - job_name: live', '    static_configs:', `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`] : []),
      options.extraConfig ?? '',
    ].join('\n'),
  );
  if (options.history) {
    const historyFile = join(dir, 'history.om');
    await writeFile(historyFile, options.history);
    await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', historyFile, dataDir]);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';

  const start = async (): Promise<void> => {
    const proc = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=30d',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`prometheus exited with ${code} before it was ready:\n${log}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, () => log), exited]);
  };

  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    logs: () => log,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    start,
    async dispose() {
      await stopWith('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.text();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready at ${url} after ${timeoutMs} ms:\n${logs()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a PromQL range query on a running Prometheus, for tests to compare against (independent of Sextant's source). */
export async function promQueryRange(
  url: string,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>> {
  const params = new URLSearchParams({ query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) });
  const response = await fetch(`${url}/api/v1/query_range?${params}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`);
  return body.data.result;
}
