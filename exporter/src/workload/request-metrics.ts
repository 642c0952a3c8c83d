// The demo workload's metrics: what an instrumented HTTP service would expose, accumulated from the
// demo scenario's request rate, error ratio and latency as time passes, in the Prometheus text format.
// `http_request_duration_seconds` is the histogram the default dataset pack queries (rates, error
// ratio from code="5..", histogram_quantile), so Sextant ingests the workload like any real service.
import { escapeLabelValue } from '@sextant/core';
import { LATENCY_SIGMA, medianSeconds, normalCdf, type DemoScenario, type MinuteLoad, serviceLoad } from '@sextant/core/demo';

/** Upper bounds of the latency buckets, seconds (Prometheus client defaults). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface CodeCounts {
  requests: number;
  seconds: number;
  /** Cumulative requests at or below each bucket bound. */
  buckets: number[];
}

interface ServiceState {
  ok: CodeCounts;
  failed: CodeCounts;
  load?: MinuteLoad;
}

const empty = (): CodeCounts => ({ requests: 0, seconds: 0, buckets: LATENCY_BUCKETS.map(() => 0) });

export interface RequestMetrics {
  /** Accumulates the requests of [from, to). */
  advance(from: number, to: number): void;
  /** The exposition text: counters floored to whole requests, so every scrape is monotonic. */
  render(): string;
}

export function createRequestMetrics(world: DemoScenario): RequestMetrics {
  const state = new Map<string, ServiceState>(world.services.map((s) => [s.name, { ok: empty(), failed: empty() }]));

  function advance(from: number, to: number): void {
    if (to <= from) return;
    for (const service of world.services) {
      const entry = state.get(service.name)!;
      for (const load of serviceLoad(world, service.name, { start: from, end: to })) {
        const seconds = (Math.min(to, load.t + 60_000) - Math.max(from, load.t)) / 1000;
        if (seconds <= 0) continue;
        const requests = load.requestsPerSecond * seconds;
        add(entry.failed, requests * load.errorRatio, load.p95Seconds);
        add(entry.ok, requests * (1 - load.errorRatio), load.p95Seconds);
        entry.load = load;
      }
    }
  }

  function render(): string {
    const lines: string[] = [
      '# HELP http_request_duration_seconds Time to answer HTTP requests, by service and status code.',
      '# TYPE http_request_duration_seconds histogram',
    ];
    for (const service of world.services) {
      const entry = state.get(service.name)!;
      for (const [code, counts] of [['200', entry.ok], ['503', entry.failed]] as const) {
        const labels = `service="${escapeLabelValue(service.name)}",code="${code}"`;
        const total = Math.floor(counts.requests);
        LATENCY_BUCKETS.forEach((le, i) => {
          // Floored cumulative counts stay monotonic in le, and never exceed the total.
          lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${Math.min(total, Math.floor(counts.buckets[i] ?? 0))}`);
        });
        lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${total}`);
        lines.push(`http_request_duration_seconds_sum{${labels}} ${counts.seconds}`);
        lines.push(`http_request_duration_seconds_count{${labels}} ${total}`);
      }
    }
    lines.push(
      '# HELP demo_requests_per_second Request rate the demo scenario sets for the current minute.',
      '# TYPE demo_requests_per_second gauge',
      ...world.services.map((s) => `demo_requests_per_second{service="${escapeLabelValue(s.name)}"} ${state.get(s.name)?.load?.requestsPerSecond ?? 0}`),
    );
    return `${lines.join('\n')}\n`;
  }

  return { advance, render };
}

/** Adds `requests` requests with log-normal latency of the given p95: expected bucket counts and sum. */
function add(counts: CodeCounts, requests: number, p95Seconds: number): void {
  if (requests <= 0 || p95Seconds <= 0) return;
  const median = medianSeconds(p95Seconds);
  counts.requests += requests;
  counts.seconds += requests * median * Math.exp((LATENCY_SIGMA * LATENCY_SIGMA) / 2);
  LATENCY_BUCKETS.forEach((le, i) => {
    counts.buckets[i] = (counts.buckets[i] ?? 0) + requests * normalCdf(Math.log(le / median) / LATENCY_SIGMA);
  });
}
