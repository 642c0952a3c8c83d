// The demo behind the TraceSource interface: the demo scenario's sampled traces, aggregated by the same
// core function as Jaeger's, so demo mode has trace counts and percentiles consistent with its incidents.
import { demoOperations, demoSpans, scenario, type DemoSpan } from '@sextant/core/demo';
import type { ServiceWindow } from '@sextant/core/traces';
import { yieldToEventLoop } from '../event-loop.js';
import { traceSeriesInPieces } from './trace-series-pieces.js';
import { keepDatasetLabels, serviceList, windowEnds, type TraceSource } from './jaeger-source.js';

const GENERATION_PIECE_MS = 15 * 60_000;

export interface DemoTraceSourceOptions {
  seed: number;
  /** The demo never answers for windows that have not ended yet. */
  now: () => number;
}

export function createDemoTraceSource(options: DemoTraceSourceOptions): TraceSource {
  const world = scenario(options.seed);
  const services = async (): Promise<string[]> => world.services.map((s) => s.name).sort();
  return {
    name: 'demo-jaeger',
    services,
    async queryRange(dataset, range) {
      const step = dataset.stepMs;
      const ends = windowEnds({ start: range.start, end: Math.min(range.end, options.now() + 1) }, step);
      const first = ends[0];
      if (first === undefined) return [];
      const selected = dataset.query.trim() === '*' ? await services() : serviceList(dataset.query);
      const byWindow = new Map<string, DemoSpan[]>();
      const last = ends[ends.length - 1] ?? first;
      // Generated a piece at a time, with a turn for the event loop between pieces: a 6-hour chunk
      // has hundreds of thousands of spans, seconds of work. Spans belong to the piece in which their
      // trace starts, so the pieces together are exactly the spans of the whole range.
      for (let from = first - step; from < last; from += GENERATION_PIECE_MS) {
        for (const span of demoSpans(world, { start: from, end: Math.min(from + GENERATION_PIECE_MS, last) })) {
          const key = `${span.service}/${Math.floor((span.startMs - (first - step)) / step)}`;
          const list = byWindow.get(key);
          if (list) list.push(span);
          else byWindow.set(key, [span]);
        }
        await yieldToEventLoop();
      }
      const windows: ServiceWindow[] = selected.flatMap((service) =>
        ends.map((end, index) => {
          const inWindow = byWindow.get(`${service}/${index}`) ?? [];
          return {
            service,
            start: end - step,
            end,
            operations: demoOperations(service),
            spans: inWindow,
            tracesFetched: new Set(inWindow.map((s) => s.traceId)).size,
            limitReached: false,
          };
        }),
      );
      return keepDatasetLabels('demo-jaeger', await traceSeriesInPieces(windows), dataset);
    },
  };
}
