// `sextant serve` with everything busy, for the responsiveness test and the soak benchmark: the demo
// source, a large Alertmanager history recorded before the start (100,000 instances by default), and
// every job on a short interval (training, inference, recommendations, scheduled reports, alert
// datasets), run as a child process exactly as a user starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertObservation } from '../../exporter/src/warehouse/alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../exporter/src/warehouse/duckdb-warehouse.js';
import { freePort } from './prometheus.js';

const root = join(import.meta.dirname, '..', '..');
const MINUTE = 60_000;
const DAY = 86_400_000;
export const BUSY_TOKEN = 'busy-token-of-tenant-default';
export const BUSY_METRICS_TOKEN = 'busy-token-of-the-scraper';
/** Alertmanager's token: the webhook needs an editor. */
export const BUSY_WEBHOOK_TOKEN = 'busy-token-of-alertmanager';

/** The demo's services and some of many more, so that alerts reach the predictor's entities too. */
const SERVICES = ['checkout', 'payments', 'search', ...Array.from({ length: 37 }, (_, i) => `service-${i}`)];
const SEVERITIES = ['critical', 'warning', 'info'];

/**
 * `instances` alert instances over the 14 days before `now`, as a large fleet's Alertmanager sends
 * them: 20 firings per fingerprint, 200 rules over 40 services, each resolved within 80 minutes but
 * every 50th still firing; a firing and a resolved observation each.
 */
export function largeAlertHistory(instances: number, tenant: string, now: number): AlertObservation[] {
  const fingerprints = Math.max(1, Math.floor(instances / 20));
  const spacing = Math.floor((14 * DAY) / 20);
  const observations: AlertObservation[] = [];
  for (let i = 0; i < instances; i++) {
    const f = i % fingerprints;
    const k = Math.floor(i / fingerprints);
    const startsAtMs = now - 14 * DAY + k * spacing + (f % 600) * MINUTE;
    const labels = { alertname: `Rule${f % 200}`, service: SERVICES[f % SERVICES.length]!, severity: SEVERITIES[f % 3]!, instance: `host-${f % 97}:9100` };
    const base = { tenant, fingerprint: f.toString(16).padStart(16, '0'), startsAtMs, labels, annotations: (f % 5 ? { runbook_url: 'https://runbooks.example/x' } : {}) as Record<string, string>, generatorUrl: '', receiver: 'team', suppressedBy: [], source: 'webhook' as const };
    observations.push({ ...base, state: 'firing', endsAtMs: null });
    const endsAtMs = startsAtMs + (1 + ((i * 7919) % 80)) * MINUTE;
    if (i % 50 !== 0 && endsAtMs < now) observations.push({ ...base, state: 'resolved', endsAtMs });
  }
  return observations;
}

export interface BusyService {
  base: string;
  /** The service's stderr so far (JSON log lines). */
  log(): string;
  /** SIGTERM, wait for the exit, remove the directory; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface BusyServiceOptions {
  /** Alert instances recorded before the start (default 100,000). */
  alertInstances?: number;
  /** How much demo history the first ingest pulls (default 2d). */
  lookback?: string;
  /** Interval of the inference and recommendation jobs (default 20s); training runs every 4 of them. */
  interval?: string;
  /** The service's log level (default info). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Starts the service and resolves once /-/ready answers 200. */
export async function startBusyService(options: BusyServiceOptions = {}): Promise<BusyService> {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-busy-'));
  const now = Date.now();
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS, now: () => now });
  const history = largeAlertHistory(options.alertInstances ?? 100_000, 'default', now);
  for (let i = 0; i < history.length; i += 20_000) await warehouse.alerts.record(history.slice(i, i + 20_000));
  await warehouse.alerts.loaded();
  await warehouse.close();

  const port = await freePort();
  const interval = options.interval ?? '20s';
  writeFileSync(
    join(dir, 'sextant.yaml'),
    [
      `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 60s }`,
      `log: { level: ${options.logLevel ?? 'info'} }`,
      'warehouse: { path: w.duckdb, rollupInterval: 5s }',
      'auth:',
      `  metricsToken: ${BUSY_METRICS_TOKEN}`,
      '  tokens:',
      `    - { name: reader, token: ${BUSY_TOKEN}, tenant: default, role: admin }`,
      `    - { name: alertmanager, token: ${BUSY_WEBHOOK_TOKEN}, tenant: default, role: editor }`,
      'source: { kind: demo, demo: { seed: 1 } }',
      `ingest: { interval: 10s, initialLookback: ${options.lookback ?? '2d'}, chunk: 1d }`,
      `predict: { interval: ${interval}, trainInterval: ${interval} }`,
      `recommend: { interval: ${interval} }`,
      `reports: { schedule: [{ period: daily, formats: [html, csv, xlsx] }, { period: weekly, formats: [html] }], checkInterval: ${interval} }`,
      '',
    ].join('\n'),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  const child: ChildProcess = spawn(process.execPath, [join(root, 'exporter', 'dist', 'cli.js'), 'serve', '--config', join(dir, 'sextant.yaml')], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const code = await exited;
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || attempt > 600) {
      await stop();
      throw new Error(`the service did not become ready:\n${stderr.slice(-4000)}`);
    }
    await sleep(100);
  }
  return { base, log: () => stderr, stop };
}
