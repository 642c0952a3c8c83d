// The demo behind the LogSource interface: the log datasets Loki would give, answered from the demo
// scenario's logs instead of LogQL, so demo mode has log error rates consistent with its incidents.
import { DEMO_LOG_LEVELS, demoLogSeries, scenario, type DemoLogLevel } from '@sextant/core/demo';
import { keepDatasetLabels } from './jaeger-source.js';
import { lokiDatasetNames } from './loki-datasets.js';
import type { LogSource } from './loki-source.js';
import { SourceError } from './metrics-source.js';

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
  const world = scenario(options.seed);
  return {
    name: 'demo-loki',
    async queryRange(dataset, range) {
      const levels = levelsOf[dataset.name];
      if (!levels) {
        throw new SourceError('demo-loki', `dataset "${dataset.name}" is not part of the demo (it has: ${Object.keys(levelsOf).join(', ')})`, false);
      }
      const end = Math.min(range.end, options.now() + 1);
      if (end <= range.start) return [];
      return keepDatasetLabels('demo-loki', demoLogSeries(world, { start: range.start, end }, dataset.stepMs, levels), dataset);
    },
  };
}
