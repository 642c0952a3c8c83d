// The demo's trace and log datasets over whole ranges, as columns: what the service's demo sources
// compute in a worker thread (a day of the demo's traces is seconds of work and a million spans).
import { toColumns, type SeriesColumns } from '../model/index.js';
import { traceSeries, type ServiceWindow } from '../traces/index.js';
import { demoLogSeries, type DemoLogLevel } from './logs.js';
import { scenario } from './scenario.js';
import { demoOperations, demoSpans, type DemoSpan } from './traces.js';

/** Spans are generated this much at a time, so that only the spans of one piece are unsorted at once. */
const GENERATION_PIECE_MS = 15 * 60_000;

/**
 * The trace measures (traceSeries) of `services` over the step windows ending at firstEnd, firstEnd +
 * stepMs, ..., lastEnd, from the sampled traces of scenario(seed). A span belongs to the window its
 * trace's request started in.
 */
export function demoTraceColumns(seed: number, firstEnd: number, lastEnd: number, stepMs: number, services: readonly string[]): SeriesColumns[] {
  const world = scenario(seed);
  const start = firstEnd - stepMs;
  const byWindow = new Map<string, DemoSpan[]>();
  // Spans belong to the piece in which their trace starts, so the pieces together are exactly the spans of the whole range.
  for (let from = start; from < lastEnd; from += GENERATION_PIECE_MS) {
    for (const span of demoSpans(world, { start: from, end: Math.min(from + GENERATION_PIECE_MS, lastEnd) })) {
      const key = `${span.service}/${Math.floor((span.startMs - start) / stepMs)}`;
      const list = byWindow.get(key);
      if (list) list.push(span);
      else byWindow.set(key, [span]);
    }
  }
  const windows: ServiceWindow[] = [];
  for (const service of services) {
    for (let index = 0, end = firstEnd; end <= lastEnd; index++, end += stepMs) {
      const spans = byWindow.get(`${service}/${index}`) ?? [];
      windows.push({ service, start: end - stepMs, end, operations: demoOperations(service), spans, tracesFetched: new Set(spans.map((s) => s.traceId)).size, limitReached: false });
    }
  }
  return toColumns(traceSeries(windows));
}

/** demoLogSeries of scenario(seed) over [start, end), as columns. */
export function demoLogColumns(seed: number, start: number, end: number, stepMs: number, levels: readonly DemoLogLevel[]): SeriesColumns[] {
  return toColumns(demoLogSeries(scenario(seed), { start, end }, stepMs, levels));
}
