// The demo behind the TraceSource interface: the demo scenario's sampled traces, aggregated by the same
// core function as Jaeger's, so demo mode has trace counts and percentiles consistent with its incidents.
import { demoOperations, demoSpans, scenario, type DemoSpan } from '@sextant/core/demo';
import { traceSeries, type ServiceWindow } from '@sextant/core/traces';
import { keepDatasetLabels, serviceList, windowEnds, type TraceSource } from './jaeger-source.js';

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
      const spans = demoSpans(world, { start: first - step, end: ends[ends.length - 1] ?? first });
      const byWindow = new Map<string, DemoSpan[]>();
      for (const span of spans) {
        const key = `${span.service}/${Math.floor((span.startMs - (first - step)) / step)}`;
        const list = byWindow.get(key);
        if (list) list.push(span);
        else byWindow.set(key, [span]);
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
      return keepDatasetLabels('demo-jaeger', traceSeries(windows), dataset);
    },
  };
}
