// The ingest's own metrics on the service's registry. Lag is computed at scrape time from the last
// watermark seen, so it keeps growing while a dataset is stuck rather than freezing at its last value.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  rows: Counter<'dataset'>;
  errors: Counter<'dataset' | 'reason'>;
  duration: Histogram<'dataset'>;
  /** Remembers a dataset's watermark for the lag gauge. */
  watermark(tenant: string, dataset: string, watermark: number): void;
}

export function ingestMetrics(registry: Registry, now: () => number): IngestMetrics {
  const watermarks = new Map<string, { dataset: string; watermark: number }>();
  const rows = new Counter({
    name: 'sextant_ingest_rows_total',
    help: 'Points written to the warehouse by ingest.',
    labelNames: ['dataset'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'sextant_ingest_errors_total',
    help: 'Ingest windows that failed, by reason (network, timeout, http_5xx, http_429, http_4xx, bad_response, label_collision, source, warehouse).',
    labelNames: ['dataset', 'reason'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sextant_ingest_duration_seconds',
    help: 'Time to fetch and store one ingest window.',
    labelNames: ['dataset'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'sextant_ingest_lag_seconds',
    help: 'Now minus the end of the last ingested window (the largest over tenants).',
    labelNames: ['dataset'],
    registers: [registry],
    collect() {
      this.reset();
      const lag = new Map<string, number>();
      for (const { dataset, watermark } of watermarks.values()) {
        lag.set(dataset, Math.max(lag.get(dataset) ?? -Infinity, (now() - watermark) / 1000));
      }
      for (const [dataset, seconds] of lag) this.set({ dataset }, seconds);
    },
  });
  return {
    rows,
    errors,
    duration,
    watermark: (tenant, dataset, watermark) => watermarks.set(`${tenant}\u0000${dataset}`, { dataset, watermark }),
  };
}
