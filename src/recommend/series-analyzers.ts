/**
 * The analyzers that read the warehouse's series (capacity, right-sizing, SLO budget) on the
 * recommend job's 5-minute rollups by dataset, and the same on the series handed over as columns,
 * which is how the service runs them in its worker thread: weeks of series are 0.1-0.3 s of
 * seasonal fits and percentiles, too long for the event loop.
 */
import { fromColumns, type Sample, type Series } from '../model/index.js';
import { hostOf } from '../predict/entities.js';
import type { ColumnsByDataset } from '../predict/on-columns.js';
import { analyzeCapacity, type CapacitySeries } from './capacity.js';
import { analyzeRightSizing, type Workload } from './rightsizing.js';
import { analyzeSloBudget, type Slo, type SloTraffic } from './slo-budget.js';
import type { Candidate } from './types.js';

export type SeriesAnalyzer = 'capacity' | 'rightsizing' | 'slo-budget';
type SeriesByDataset = Readonly<Record<string, readonly Series[]>>;

const BUCKET_SECONDS = 300;

/** The candidates of the `analyzers` named, in that order (capacity, right-sizing, SLO budget). */
export function analyzeSeries(series: SeriesByDataset, analyzers: readonly SeriesAnalyzer[], slos: readonly Slo[], now: number): Candidate[] {
  const out: Candidate[] = [];
  if (analyzers.includes('capacity')) out.push(...analyzeCapacity(capacitySeries(series), now));
  if (analyzers.includes('rightsizing')) out.push(...analyzeRightSizing([...containerWorkloads(series), ...hostWorkloads(series)], now));
  if (analyzers.includes('slo-budget')) out.push(...analyzeSloBudget(sloTraffic(series, slos), now));
  return out;
}

/** `analyzeSeries` on series as columns (for a worker thread). */
export function analyzeSeriesOnColumns(columns: ColumnsByDataset, analyzers: readonly SeriesAnalyzer[], slos: readonly Slo[], now: number): Candidate[] {
  const series = Object.fromEntries(Object.entries(columns).map(([dataset, list]) => [dataset, list.map(fromColumns)]));
  return analyzeSeries(series, analyzers, slos, now);
}

/** Disks (per host and mount point) and host memory, as usage ratios. */
function capacitySeries(series: SeriesByDataset): CapacitySeries[] {
  return [
    ...(series['node_filesystem_used_ratio'] ?? []).map((s) => ({
      entity: `${hostOf(s.labels['instance'] ?? '')}:${s.labels['mountpoint'] ?? ''}`,
      resource: 'disk' as const,
      usage: s.samples,
    })),
    ...(series['node_memory_used_ratio'] ?? []).map((s) => ({ entity: hostOf(s.labels['instance'] ?? ''), resource: 'memory' as const, usage: s.samples })),
  ];
}

/** Hosts, sized from their utilisation ratios (capacity = 1). */
function hostWorkloads(series: SeriesByDataset): Workload[] {
  const cpu = new Map((series['node_cpu_utilisation_ratio'] ?? []).map((s) => [hostOf(s.labels['instance'] ?? ''), s.samples]));
  const memory = new Map((series['node_memory_used_ratio'] ?? []).map((s) => [hostOf(s.labels['instance'] ?? ''), s.samples]));
  return [...new Set([...cpu.keys(), ...memory.keys()])].map((host) => ({
    entity: host,
    host: { cpuCores: cpu.get(host) ?? [], memoryBytes: memory.get(host) ?? [], unit: 'ratio', cpuAllocatedCores: 1, memoryAllocatedBytes: 1 },
  }));
}

/** Containers (per namespace/container), sized against their latest requests. */
function containerWorkloads(series: SeriesByDataset): Workload[] {
  const keyOf = (s: Series) => `${s.labels['namespace'] ?? ''}/${s.labels['container'] ?? ''}`;
  const by = (dataset: string) => new Map((series[dataset] ?? []).map((s) => [keyOf(s), s.samples]));
  const cpu = by('container_cpu_usage_cores');
  const memory = by('container_memory_working_set_bytes');
  const cpuRequest = by('container_cpu_request_cores');
  const memoryRequest = by('container_memory_request_bytes');
  return [...new Set([...cpu.keys(), ...memory.keys()])].map((entity) => {
    const latest = (samples: readonly Sample[] | undefined) => samples?.[samples.length - 1]?.v;
    const cpuAllocated = latest(cpuRequest.get(entity));
    const memoryAllocated = latest(memoryRequest.get(entity));
    return {
      entity,
      container: {
        cpuCores: cpu.get(entity) ?? [],
        memoryBytes: memory.get(entity) ?? [],
        ...(cpuAllocated !== undefined ? { cpuAllocatedCores: cpuAllocated } : {}),
        ...(memoryAllocated !== undefined ? { memoryAllocatedBytes: memoryAllocated } : {}),
      },
    };
  });
}

/** Requests and errors per 5-minute bucket from the rate and error-ratio rollups. */
function sloTraffic(series: SeriesByDataset, slos: readonly Slo[]): SloTraffic[] {
  return slos.flatMap((slo) => {
    const of = (dataset: string) => (series[dataset] ?? []).find((s) => (s.labels['service'] ?? s.labels['job']) === slo.service)?.samples ?? [];
    const ratio = new Map(of('http_error_ratio').map((p) => [p.t, p.v]));
    const requests: Sample[] = of('http_requests_per_second').map((p) => ({ t: p.t, v: p.v * BUCKET_SECONDS }));
    const errors = requests.map((p) => ({ t: p.t, v: p.v * (ratio.get(p.t) ?? 0) }));
    return requests.length ? [{ slo, requests, errors }] : [];
  });
}
