// Turns the configuration into what ingest runs on: the source, the datasets and the job's timing.
// Shared by `sextant serve` and `sextant backfill`, so both read the same config the same way. The
// parameter types are the parts of the service's Config that ingest reads.
import { createDemoSource, demoDatasets } from '../sources/demo-source.js';
import { defaultDatasets } from '../sources/default-datasets.js';
import type { DatasetDefinition, MetricsSource } from '../sources/metrics-source.js';
import { createPrometheusSource } from '../sources/prometheus-source.js';

interface RevealedSecret {
  reveal(): string;
}

export interface IngestConfigView {
  source: {
    kind: 'demo' | 'prometheus';
    demo: { seed: number };
    prometheus: {
      url?: string | undefined;
      timeout: number;
      concurrency: number;
      maxPointsPerQuery: number;
      retries: number;
      bearerToken?: RevealedSecret | undefined;
      basicAuth?: { username: string; password: RevealedSecret } | undefined;
      headers: Record<string, string>;
    };
  };
  ingest: { interval: number; step: number; delay: number; initialLookback: number; chunk: number };
  datasets: {
    defaultPack: boolean;
    tenant: string;
    custom: Array<{ name: string; query: string; keepLabels: string[]; step?: number | undefined; tenant?: string | undefined }>;
  };
}

export function sourceFromConfig(config: IngestConfigView, now: () => number): MetricsSource {
  if (config.source.kind === 'demo') return createDemoSource({ seed: config.source.demo.seed, now });
  const prometheus = config.source.prometheus;
  if (!prometheus.url) throw new Error('source.prometheus.url: required when source.kind is prometheus');
  const headers = { ...prometheus.headers };
  if (prometheus.bearerToken) headers.authorization = `Bearer ${prometheus.bearerToken.reveal()}`;
  if (prometheus.basicAuth) {
    const credentials = `${prometheus.basicAuth.username}:${prometheus.basicAuth.password.reveal()}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  return createPrometheusSource({
    url: prometheus.url,
    timeoutMs: prometheus.timeout,
    concurrency: prometheus.concurrency,
    maxPointsPerQuery: prometheus.maxPointsPerQuery,
    retries: prometheus.retries,
    headers,
  });
}

/**
 * The datasets to ingest. The demo answers only its own datasets (the default pack's names), so
 * custom datasets apply to a Prometheus source only; there a custom dataset replaces a default one
 * of the same name and tenant.
 */
export function datasetsFromConfig(config: IngestConfigView): DatasetDefinition[] {
  const { tenant, defaultPack, custom } = config.datasets;
  const step = config.ingest.step;
  if (config.source.kind === 'demo') return demoDatasets(tenant, step);
  const own = custom.map((d) => ({ name: d.name, tenant: d.tenant ?? tenant, query: d.query, keepLabels: [...d.keepLabels], stepMs: d.step ?? step }));
  const replaced = new Set(own.map((d) => `${d.tenant}/${d.name}`));
  const pack = defaultPack ? defaultDatasets(tenant, step).filter((d) => !replaced.has(`${d.tenant}/${d.name}`)) : [];
  return [...pack, ...own];
}

/** The timing options of createIngestJob and backfill from the ingest section. */
export function ingestTimingFromConfig(config: IngestConfigView): { intervalMs: number; delayMs: number; initialLookbackMs: number; windowMs: number } {
  const { interval, delay, initialLookback, chunk } = config.ingest;
  return { intervalMs: interval, delayMs: delay, initialLookbackMs: initialLookback, windowMs: chunk };
}
