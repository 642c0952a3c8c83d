// A Sextant alert service for tests: the real warehouse file, alert store, recorder and routes in the
// service's app (bearer tokens with tenant and role), on a free loopback port.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { DEFAULT_ANALYSIS_OPTIONS } from '@sextant/core/alerts';
import { createAlertRecorder } from '../../exporter/src/alerts/recorder.js';
import { createApp } from '../../exporter/src/http/app.js';
import type { AuthContext } from '../../exporter/src/http/auth-context.js';
import { SeriesFamilies } from '../../exporter/src/metrics/series-gauge-family.js';
import { alertsRoutes } from '../../exporter/src/http/routes/alerts.js';
import { createLogger } from '../../exporter/src/log.js';
import { openDuckDbWarehouse, DEFAULT_RETENTION_MS, type DuckDbWarehouse } from '../../exporter/src/warehouse/duckdb-warehouse.js';
import type { AlertObservation, AlertStore } from '../../exporter/src/warehouse/alert-store.js';
import type { GroupCommit } from '../../exporter/src/alerts/group-commit.js';

export const TOKENS: Record<string, AuthContext> = {
  'editor-token-a-0001': { tokenName: 'am-a', tenant: 'team-a', role: 'editor' },
  'editor-token-b-0001': { tokenName: 'am-b', tenant: 'team-b', role: 'editor' },
  'viewer-token-a-0001': { tokenName: 'viewer-a', tenant: 'team-a', role: 'viewer' },
};

export interface AlertService {
  url: string;
  warehouse: DuckDbWarehouse;
  store: AlertStore;
  recorder: GroupCommit<AlertObservation>;
  registry: Registry;
  /** Durable appends the store has made (store.record calls: one per group of requests). */
  appends(): number;
  close(): Promise<void>;
}

export async function startAlertService(options: {
  path: string;
  bodyLimitBytes?: number;
  now?: () => number;
  /** DuckDB settings, e.g. { threads: '1' }. */
  settings?: Record<string, string>;
}): Promise<AlertService> {
  const now = options.now ?? Date.now;
  const warehouse = await openDuckDbWarehouse({ path: options.path, retentionMs: DEFAULT_RETENTION_MS, settings: options.settings, now });
  const store = warehouse.alerts;
  let appends = 0;
  const record = store.record.bind(store);
  store.record = (items) => {
    appends += 1;
    return record(items);
  };
  const registry = new Registry();
  const log = createLogger('error', () => undefined);
  const recorder = createAlertRecorder({ store, registry });
  // The service's own app: bearer-token check, JSON body limit, error handler.
  const app = createApp({
    registry,
    families: new SeriesFamilies(),
    log,
    tokens: Object.entries(TOKENS).map(([token, a]) => ({ name: a.tokenName, token, tenant: a.tenant, role: a.role })),
    metricsToken: undefined,
    isReady: () => true,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
    requestTimeoutMs: 30_000,
    apiRouters: [alertsRoutes({ store, commit: recorder, maxAlertsPerRequest: 1000, analysis: DEFAULT_ANALYSIS_OPTIONS, registry, log, now })],
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    warehouse,
    store,
    recorder,
    registry,
    appends: () => appends,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await warehouse.close();
    },
  };
}

/** An Alertmanager webhook payload (version 4) as Alertmanager 0.25 sends it. */
export function webhookPayload(alerts: { fingerprint: string; status: 'firing' | 'resolved'; startsAt: string; endsAt?: string; labels?: Record<string, string> }[]) {
  return {
    receiver: 'sextant',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: { alertname: 'HostCpuUsageCritical', instance: 'host-1:9100', job: 'node', severity: 'critical', ...a.labels },
      annotations: { summary: 'CPU usage is high (above 90 for 5m)', description: 'on instance=host-1:9100', runbook_url: 'https://runbooks.example.com/hostcpuusagecritical' },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph?g0.expr=100+%2A+%281+-+avg+by+%28instance%29%29&g0.tab=1',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: 'HostCpuUsageCritical' },
    commonLabels: { alertname: 'HostCpuUsageCritical', job: 'node', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="HostCpuUsageCritical"}',
    truncatedAlerts: 0,
  };
}
