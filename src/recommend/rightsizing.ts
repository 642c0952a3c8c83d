import type { Sample } from '../model/index.js';
import { round } from './format.js';
import type { Candidate } from './types.js';

/**
 * Right-sizing the way Robusta KRR's simple strategy does it: CPU from the 95th percentile of usage,
 * memory from the maximum plus a headroom, over 14 days. Container metrics (cAdvisor usage against
 * kube-state-metrics requests) are used where present, host metrics (usage against capacity) otherwise.
 */
export interface RightSizingOptions {
  historyMs: number;
  /** Less history than this gives no recommendation: too little to size from. */
  minHistoryMs: number;
  cpuPercentile: number;
  memoryHeadroom: number;
  /** Recommend only when the change is at least this fraction of the current allocation. */
  minChange: number;
  verifyWithinMs: number;
}

export const DEFAULT_RIGHT_SIZING_OPTIONS: RightSizingOptions = {
  historyMs: 14 * 24 * 3_600_000,
  minHistoryMs: 24 * 3_600_000,
  cpuPercentile: 0.95,
  memoryHeadroom: 0.15,
  minChange: 0.2,
  verifyWithinMs: 24 * 3_600_000,
};

export interface UsageSource {
  /** CPU in cores, or in `ratio` of the allocation when `unit` is 'ratio' (host utilisation). */
  cpuCores: readonly Sample[];
  memoryBytes: readonly Sample[];
  /** 'absolute' (cores, bytes) or 'ratio' (host metrics that only give a used fraction; allocated is then 1). */
  unit?: 'absolute' | 'ratio';
  /** Requests of the container, or capacity of the host. */
  cpuAllocatedCores?: number;
  memoryAllocatedBytes?: number;
}

export interface Workload {
  entity: string;
  container?: UsageSource;
  host?: UsageSource;
}

/** The container view when it has usage data, else the host view. */
export function chooseSource(w: Workload): { source: 'container' | 'host'; usage: UsageSource } | undefined {
  if (w.container && w.container.cpuCores.length + w.container.memoryBytes.length > 0) return { source: 'container', usage: w.container };
  if (w.host) return { source: 'host', usage: w.host };
  return undefined;
}

/** Nearest-rank percentile of the values (p in (0, 1]). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function analyzeRightSizing(
  workloads: readonly Workload[],
  now: number,
  overrides: Partial<RightSizingOptions> = {},
): Candidate[] {
  const o = { ...DEFAULT_RIGHT_SIZING_OPTIONS, ...overrides };
  const out: Candidate[] = [];
  for (const w of workloads) {
    const chosen = chooseSource(w);
    if (!chosen) continue;
    const recent = (samples: readonly Sample[]) =>
      samples.filter((p) => p.t > now - o.historyMs && p.t <= now && Number.isFinite(p.v));
    const cpu = recent(chosen.usage.cpuCores);
    const memory = recent(chosen.usage.memoryBytes);
    const ratio = chosen.usage.unit === 'ratio';
    const resources = [
      { resource: 'cpu', samples: cpu, allocated: chosen.usage.cpuAllocatedCores, unit: ratio ? 'ratio' : 'cores',
        recommended: (v: number[]) => percentile(v, o.cpuPercentile), rule: `p${Math.round(o.cpuPercentile * 100)} of usage` },
      { resource: 'memory', samples: memory, allocated: chosen.usage.memoryAllocatedBytes, unit: ratio ? 'ratio' : 'bytes',
        recommended: (v: number[]) => Math.max(...v) * (1 + o.memoryHeadroom), rule: `max of usage + ${Math.round(o.memoryHeadroom * 100)} %` },
    ];
    for (const r of resources) {
      if (r.allocated === undefined || r.allocated <= 0 || r.samples.length < 2) continue;
      const span = r.samples[r.samples.length - 1]!.t - r.samples[0]!.t;
      if (span < o.minHistoryMs) continue;
      const values = r.samples.map((p) => p.v);
      const target = r.recommended(values);
      const change = (target - r.allocated) / r.allocated;
      if (Math.abs(change) < o.minChange) continue;
      const direction = change < 0 ? 'reduce' : 'increase';
      const days = round(span / 86_400_000, 1);
      out.push({
        key: `rightsizing:${r.resource}:${w.entity}`,
        kind: 'rightsizing',
        entity: w.entity,
        action: `${direction}-${r.resource}`,
        context: `${chosen.source}:${r.resource}`,
        severity: direction === 'increase' ? 'warning' : 'info',
        priority: Math.min(90, Math.round(30 + 40 * Math.min(1, Math.abs(change)))),
        title: `${direction} ${r.resource} of ${w.entity} from ${fmt(r.allocated, r.unit)} to ${fmt(target, r.unit)}`,
        explanation:
          `Over ${days} days of ${chosen.source} metrics the ${r.rule} is ${fmt(target, r.unit)}, ` +
          `${round(Math.abs(change) * 100, 0)} % ${change < 0 ? 'below' : 'above'} the ${chosen.source === 'container' ? 'request' : 'capacity'} of ${fmt(r.allocated, r.unit)}.`,
        evidence: [
          { name: 'source', value: chosen.source },
          { name: 'days of history', value: days },
          { name: 'allocated', value: r.allocated, unit: r.unit },
          { name: 'recommended', value: round(target, 4), unit: r.unit },
          { name: 'samples', value: values.length },
        ],
        verifyWithinMs: o.verifyWithinMs,
      });
    }
  }
  return out;
}

function fmt(v: number, unit: string): string {
  if (unit === 'bytes') return `${round(v / 2 ** 20, 0)} MiB`;
  if (unit === 'ratio') return `${round(v * 100, 1)} % of capacity`;
  return `${round(v, 3)} cores`;
}
