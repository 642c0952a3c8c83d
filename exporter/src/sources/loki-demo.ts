// The demo behind the LogSource interface: the log datasets Loki would give, answered from the demo
// scenario's logs instead of LogQL, so demo mode has log error rates consistent with its incidents.
import type { SeriesColumns } from '@sextant/core';
import { DEMO_LOG_LEVELS, type DemoLogLevel } from '@sextant/core/demo';
import { coreWorkers } from '../worker-pool.js';
import { keepDatasetLabels } from './jaeger-source.js';
import { lokiDatasetNames } from './loki-datasets.js';
import type { LogSource } from './loki-source.js';
import { SourceError } from './metrics-source.js';
import { seriesFromColumns } from './series-from-columns.js';

export interface DemoLogSourceOptions {
  seed: number;
  /** The demo never answers for windows that have not ended yet. */
  now: () => number;
}

const levelsOf: Record<string, readonly DemoLogLevel[]> = {
  [lokiDatasetNames.lines]: DEMO_LOG_LEVELS,
  [lokiDatasetNames.errorLines]: ['error'],
};

export function createDemoLogSource(options: DemoLogSourceOptions): LogSource {
  return {
    name: 'demo-loki',
    async queryRange(dataset, range, signal) {
      const levels = levelsOf[dataset.name];
      if (!levels) {
        throw new SourceError('demo-loki', `dataset "${dataset.name}" is not part of the demo (it has: ${Object.keys(levelsOf).join(', ')})`, false);
      }
      const end = Math.min(range.end, options.now() + 1);
      if (end <= range.start) return [];
      // In a worker thread: a day of a service's seconds is a second of work.
      const columns = await coreWorkers.run<SeriesColumns[]>({ module: '@sextant/core/demo', name: 'demoLogColumns' }, [options.seed, range.start, end, dataset.stepMs, levels], signal);
      return keepDatasetLabels('demo-loki', await seriesFromColumns(columns), dataset);
    },
  };
}
