// From the `jaeger` config section to what the ingest job needs: a TraceSource and its dataset. In demo
// mode the demo's traces stand in for Jaeger, with the same dataset.
import type { JaegerConfig } from '../config/sections/jaeger.js';
import { createDemoTraceSource } from './jaeger-demo.js';
import { createJaegerSource, type TraceSource } from './jaeger-source.js';
import { authFrom, type IngestInputs, type SetupContext } from './loki-setup.js';
import type { DatasetDefinition } from './metrics-source.js';

/** Labels of the trace dataset's series. */
export const traceDatasetLabels = ['service', 'operation', 'measure'];

/**
 * The trace dataset: per service, operation and window, estimated span and error counts, error ratio
 * and duration percentiles, from a bounded sample of traces (docs/stack.md: not exact counts).
 */
export function traceDataset(config: JaegerConfig, tenant: string, services = config.services): DatasetDefinition {
  return { name: config.dataset, tenant, query: services, keepLabels: [...traceDatasetLabels], stepMs: config.step };
}

/** The Jaeger source and its dataset; undefined when Jaeger is not configured (and not in demo mode). */
export function jaegerIngest(config: JaegerConfig, context: SetupContext): IngestInputs<TraceSource> | undefined {
  if (context.demo) return { source: createDemoTraceSource(context.demo), datasets: [traceDataset(config, context.tenant, '*')] };
  if (!config.url) return undefined;
  const source = createJaegerSource({
    url: config.url,
    api: config.api,
    ...(config.tenant ? { tenant: config.tenant } : {}),
    tenantHeader: config.tenantHeader,
    ...authFrom(config),
    timeoutMs: config.timeout,
    retries: config.retries,
    maxResponseBytes: config.maxResponseBytes,
    maxTracesPerWindow: config.maxTracesPerWindow,
    samplingProbability: config.samplingProbability,
    excludeServices: [...config.excludeServices],
    concurrency: config.concurrency,
    log: context.log.child({ source: 'jaeger' }),
  });
  return { source, datasets: [traceDataset(config, context.tenant)] };
}
