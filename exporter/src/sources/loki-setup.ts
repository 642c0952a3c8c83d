// From the `loki` config section to what the ingest job needs: a LogSource and its datasets. In demo
// mode the demo's logs stand in for Loki, with the same dataset names.
import type { LokiConfig } from '../config/sections/loki.js';
import type { Logger } from '../log.js';
import { createDemoLogSource } from './loki-demo.js';
import { defaultLokiStreams, lokiDefaultDatasets } from './loki-datasets.js';
import { createLokiSource, type LogSource } from './loki-source.js';
import type { DatasetDefinition } from './metrics-source.js';
import type { HttpAuth } from './source-http.js';

export interface IngestInputs<S> {
  source: S;
  datasets: DatasetDefinition[];
}

export interface SetupContext {
  /** Tenant of datasets that do not name their own. */
  tenant: string;
  log: Logger;
  /** Set in demo mode: the demo's data replaces the backend. */
  demo?: { seed: number; now: () => number };
}

/** The Loki source and its datasets; undefined when Loki is not configured (and not in demo mode). */
export function lokiIngest(config: LokiConfig, context: SetupContext): IngestInputs<LogSource> | undefined {
  if (context.demo) {
    return { source: createDemoLogSource(context.demo), datasets: lokiDefaultDatasets(context.tenant, defaultLokiStreams, config.step) };
  }
  if (!config.url) return undefined;
  const source = createLokiSource({
    url: config.url,
    ...(config.orgId ? { orgId: config.orgId } : {}),
    ...authFrom(config),
    timeoutMs: config.timeout,
    retries: config.retries,
    maxQueryLengthMs: config.maxQueryLength,
    maxPointsPerQuery: config.maxPointsPerQuery,
    maxSeries: config.maxSeries,
    maxResponseBytes: config.maxResponseBytes,
    log: context.log.child({ source: 'loki' }),
  });
  const datasets = [
    ...(config.defaultDatasets ? lokiDefaultDatasets(context.tenant, config.streams, config.step) : []),
    ...config.datasets.map((d) => ({
      name: d.name,
      tenant: d.tenant ?? context.tenant,
      query: d.query,
      keepLabels: [...d.keepLabels],
      stepMs: d.step ?? config.step,
    })),
  ];
  return { source, datasets };
}

/** Credentials of a config section, revealed for the HTTP client. */
export function authFrom(config: Pick<LokiConfig, 'bearerToken' | 'basicAuth'>): { auth?: HttpAuth } {
  if (config.bearerToken) return { auth: { bearerToken: config.bearerToken.reveal() } };
  if (config.basicAuth) return { auth: { username: config.basicAuth.username, password: config.basicAuth.password.reveal() } };
  return {};
}
