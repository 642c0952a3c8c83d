// Everything the config ingests, as one source and its datasets: the metrics source (Prometheus or the
// demo), Loki and Jaeger (in demo mode, the demo's logs and traces). The service's ingest and
// `sextant backfill --direct` both take it, so a direct backfill fills the datasets the service does.
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { jaegerIngest } from '../sources/jaeger-setup.js';
import { lokiIngest } from '../sources/loki-setup.js';
import type { DatasetDefinition, MetricsSource } from '../sources/metrics-source.js';
import { routeDatasets } from '../sources/source-router.js';
import { datasetsFromConfig, sourceFromConfig } from './ingest-setup.js';

export function ingestSourcesFromConfig(config: Config, log: Logger, now: () => number): { source: MetricsSource; datasets: DatasetDefinition[] } {
  const demo = config.source.kind === 'demo' ? { demo: { seed: config.source.demo.seed, now } } : {};
  const context = { tenant: config.datasets.tenant, log, ...demo };
  return routeDatasets([
    { source: sourceFromConfig(config, now), datasets: datasetsFromConfig(config) },
    lokiIngest(config.loki, context),
    jaegerIngest(config.jaeger, context),
  ]);
}
