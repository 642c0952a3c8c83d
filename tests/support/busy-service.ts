// `sextant serve` with everything busy, for the responsiveness test and the soak benchmark: the demo
// source, a large Alertmanager history recorded before the start (100,000 instances by default), and
// every job on a short interval (training, inference, recommendations, scheduled reports, alert
// datasets), run as a child process exactly as a user starts it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertObservation } from '../../exporter/src/warehouse/alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../exporter/src/warehouse/duckdb-warehouse.js';
import { startServe, type ServeProcess } from './serve-process.js';

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

export interface BusyServiceOptions {
  /** Alert instances recorded before the start (default 100,000). */
  alertInstances?: number;
  /** How much demo history the first ingest pulls (default 2d). */
  lookback?: string;
  /** Interval of the inference and recommendation jobs (default 20s); training runs as often. */
  interval?: string;
  /** The service's log level (default info). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Records the history, starts the service and resolves once /-/ready answers 200. */
export async function startBusyService(options: BusyServiceOptions = {}): Promise<ServeProcess> {
  // The warehouse is filled before the start, so it lives outside the service's own temp dir.
  const dir = mkdtempSync(join(tmpdir(), 'sextant-busy-'));
  const path = join(dir, 'w.duckdb');
  const now = Date.now();
  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => now });
  const history = largeAlertHistory(options.alertInstances ?? 100_000, 'default', now);
  for (let i = 0; i < history.length; i += 20_000) await warehouse.alerts.record(history.slice(i, i + 20_000));
  await warehouse.alerts.loaded();
  await warehouse.close();

  const interval = options.interval ?? '20s';
  const service = await startServe(
    (port) =>
      [
        `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 60s, requestTimeout: 120s }`,
        `log: { level: ${options.logLevel ?? 'info'} }`,
        `warehouse: { path: ${JSON.stringify(path)}, rollupInterval: 5s }`,
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
    600_000,
  ).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...service,
    async stop(graceMs = 90_000) {
      const code = await service.stop(graceMs);
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
