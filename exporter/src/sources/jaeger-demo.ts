// The demo behind the TraceSource interface: the demo scenario's sampled traces, aggregated by the same
// core function as Jaeger's, so demo mode has trace counts and percentiles consistent with its incidents.
import type { SeriesColumns } from '@sextant/core';
import { scenario } from '@sextant/core/demo';
import { coreWorkers } from '../worker-pool.js';
import { keepDatasetLabels, serviceList, windowEnds, type TraceSource } from './jaeger-source.js';
import { seriesFromColumns } from './series-from-columns.js';

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
    async queryRange(dataset, range, signal) {
      const step = dataset.stepMs;
      const ends = windowEnds({ start: range.start, end: Math.min(range.end, options.now() + 1) }, step);
      const first = ends[0];
      if (first === undefined) return [];
      const selected = dataset.query.trim() === '*' ? await services() : serviceList(dataset.query);
      // In a worker thread: a day of the demo's traces (an ingest chunk) is a million spans, seconds of work.
      const columns = await coreWorkers.run<SeriesColumns[]>({ module: '@sextant/core/demo', name: 'demoTraceColumns' }, [options.seed, first, ends[ends.length - 1]!, step, selected], signal);
      return keepDatasetLabels('demo-jaeger', await seriesFromColumns(columns), dataset);
    },
  };
}
