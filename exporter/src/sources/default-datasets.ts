// The default pack: what most Prometheus users already have (node_exporter, HTTP RED metrics from
// `http_request_duration_seconds` histograms, `up`), as datasets named like the demo's metrics so
// dashboards and detectors work the same on demo and real data. Rates use a 5m window: four scrapes
// at the common 15s..1m intervals, robust to a missed scrape.
import type { DatasetDefinition } from './metrics-source.js';

const MINUTE = 60_000;

const requests = 'sum by (job, service) (rate(http_request_duration_seconds_count[5m]))';
const latency = (q: number): string =>
  `histogram_quantile(${q}, sum by (job, service, le) (rate(http_request_duration_seconds_bucket[5m])))`;

const pack: Omit<DatasetDefinition, 'tenant' | 'stepMs'>[] = [
  { name: 'up', query: 'up', keepLabels: ['job', 'instance'] },
  {
    name: 'node_cpu_utilisation_ratio',
    query: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
    keepLabels: ['instance'],
  },
  {
    name: 'node_memory_used_ratio',
    query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes',
    keepLabels: ['instance'],
  },
  {
    name: 'node_filesystem_used_ratio',
    query:
      '1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|nsfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|nsfs"}',
    keepLabels: ['instance', 'mountpoint'],
  },
  {
    name: 'node_network_receive_bytes_per_second',
    query: 'sum by (instance) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|docker.*|br-.*"}[5m]))',
    keepLabels: ['instance'],
  },
  {
    name: 'node_network_transmit_bytes_per_second',
    query: 'sum by (instance) (rate(node_network_transmit_bytes_total{device!~"lo|veth.*|docker.*|br-.*"}[5m]))',
    keepLabels: ['instance'],
  },
  { name: 'process_resident_memory_bytes', query: 'process_resident_memory_bytes', keepLabels: ['job', 'instance'] },
  { name: 'http_requests_per_second', query: requests, keepLabels: ['job', 'service'] },
  {
    name: 'http_error_ratio',
    // `or` keeps a 0 for services without any 5xx instead of dropping them from the result.
    query: `(sum by (job, service) (rate(http_request_duration_seconds_count{code=~"5.."}[5m])) or ${requests} * 0) / ${requests}`,
    keepLabels: ['job', 'service'],
  },
  { name: 'http_request_duration_p95_seconds', query: latency(0.95), keepLabels: ['job', 'service'] },
  { name: 'http_request_duration_p99_seconds', query: latency(0.99), keepLabels: ['job', 'service'] },
];

/** The default datasets for `tenant`, at a 1-minute step. */
export function defaultDatasets(tenant: string, stepMs = MINUTE): DatasetDefinition[] {
  return pack.map((dataset) => ({ ...dataset, keepLabels: [...dataset.keepLabels], tenant, stepMs }));
}
