import type { Labels, Series } from '../model/index.js';
import { quantileSorted } from './quantile.js';
import type { SpanRecord } from './span.js';

/**
 * What a tracing backend gave for one service over one window of span start times [start, end):
 * the spans of the traces it returned (up to its trace limit), and the service's known operations.
 */
export interface ServiceWindow {
  service: string;
  start: number;
  end: number;
  /** Operations the backend lists for the service: reported with zero spans when none was seen. */
  operations: readonly string[];
  /** Spans of the returned traces; spans of other services or outside the window are ignored. */
  spans: readonly SpanRecord[];
  /** Traces returned for the window. */
  tracesFetched: number;
  /** True when the backend returned as many traces as asked for: there may have been more. */
  limitReached: boolean;
}

/**
 * Measures per service and operation (label `measure`). Counts are estimates: each kept span counts
 * 1/samplingProbability, and when the trace limit was reached they are lower bounds. Ratios and
 * percentiles are computed over the kept spans, which head sampling leaves unbiased.
 */
export const operationMeasures = [
  'spans_estimated',
  'errors_estimated',
  'error_ratio',
  'duration_p50_seconds',
  'duration_p95_seconds',
  'duration_p99_seconds',
] as const;

/** Measures per service only: how much the estimates above rest on. */
export const serviceMeasures = ['traces_sampled', 'trace_limit_reached'] as const;

export type TraceMeasure = (typeof operationMeasures)[number] | (typeof serviceMeasures)[number];

/** Duration percentiles reported, by measure name. */
const percentiles: [TraceMeasure, number][] = [
  ['duration_p50_seconds', 0.5],
  ['duration_p95_seconds', 0.95],
  ['duration_p99_seconds', 0.99],
];

/**
 * Series of trace measures, one sample per window stamped at the window's end, so that a sample at t
 * covers [t - step, t) like a Prometheus `increase(x[step])` at t. A window with no span of an
 * operation reports zero spans and errors, and no ratio or percentile (there is nothing to measure).
 */
export function traceSeries(windows: readonly ServiceWindow[]): Series[] {
  const series = new Map<string, Series>();
  const add = (labels: Labels, t: number, v: number): void => {
    const key = JSON.stringify(labels);
    let entry = series.get(key);
    if (!entry) {
      entry = { labels, samples: [] };
      series.set(key, entry);
    }
    entry.samples.push({ t, v });
  };
  for (const window of windows) {
    add({ service: window.service, measure: 'traces_sampled' }, window.end, window.tracesFetched);
    add({ service: window.service, measure: 'trace_limit_reached' }, window.end, window.limitReached ? 1 : 0);
    for (const [operation, measures] of operationMeasuresOf(window)) {
      for (const [measure, value] of measures) add({ service: window.service, operation, measure }, window.end, value);
    }
  }
  for (const entry of series.values()) entry.samples.sort((a, b) => a.t - b.t);
  return [...series.values()];
}

/** The measures of each operation of one service window, operations sorted by name. */
export function operationMeasuresOf(window: ServiceWindow): Map<string, Map<TraceMeasure, number>> {
  const byOperation = new Map<string, SpanRecord[]>();
  for (const operation of window.operations) byOperation.set(operation, []);
  for (const span of window.spans) {
    if (span.service !== window.service || span.startMs < window.start || span.startMs >= window.end) continue;
    const list = byOperation.get(span.operation) ?? [];
    list.push(span);
    byOperation.set(span.operation, list);
  }
  const result = new Map<string, Map<TraceMeasure, number>>();
  for (const operation of [...byOperation.keys()].sort()) {
    result.set(operation, measuresOf(byOperation.get(operation) ?? []));
  }
  return result;
}

function measuresOf(spans: readonly SpanRecord[]): Map<TraceMeasure, number> {
  let weighted = 0;
  let weightedErrors = 0;
  for (const span of spans) {
    const weight = 1 / validProbability(span.samplingProbability);
    weighted += weight;
    if (span.error) weightedErrors += weight;
  }
  const measures = new Map<TraceMeasure, number>([
    ['spans_estimated', weighted],
    ['errors_estimated', weightedErrors],
  ]);
  if (spans.length === 0) return measures;
  measures.set('error_ratio', weightedErrors / weighted);
  const seconds = spans.map((span) => span.durationMs / 1000).sort((a, b) => a - b);
  for (const [measure, q] of percentiles) measures.set(measure, quantileSorted(seconds, q));
  return measures;
}

/** A probability outside (0, 1] would make a span count for nothing or infinitely much: count it once. */
function validProbability(p: number): number {
  return p > 0 && p <= 1 ? p : 1;
}
