// The demo behind the LogSource interface: the log datasets Loki would give, answered from the demo
// scenario's logs instead of LogQL, so demo mode has log error rates consistent with its incidents.
import { seriesKey, type Series } from '@sextant/core';
import { DEMO_LOG_LEVELS, demoLogSeries, scenario, type DemoLogLevel } from '@sextant/core/demo';
import { yieldToEventLoop } from '../event-loop.js';
import { keepDatasetLabels } from './jaeger-source.js';
import { lokiDatasetNames } from './loki-datasets.js';
import type { LogSource } from './loki-source.js';
import { SourceError } from './metrics-source.js';

export interface DemoLogSourceOptions {
  seed: number;
  /** The demo never answers for windows that have not ended yet. */
  now: () => number;
}

/** About 15 minutes, in whole steps: every window end falls in exactly one piece. */
const pieceMs = (stepMs: number) => Math.max(1, Math.round(15 * 60_000 / stepMs)) * stepMs;

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
      // Generated about 15 minutes at a time, with a turn for the event loop between pieces: a day
      // of a service's seconds is a second of work (an hour was 300 ms on a busy machine).
      const merged = new Map<string, Series>();
      const pieceLength = pieceMs(dataset.stepMs);
      for (let from = range.start; from < end; from += pieceLength) {
        for (const piece of demoLogSeries(world, { start: from, end: Math.min(end, from + pieceLength) }, dataset.stepMs, levels)) {
          const key = seriesKey(piece.labels);
          const series = merged.get(key);
          if (series) for (const sample of piece.samples) series.samples.push(sample);
          else merged.set(key, piece);
        }
        await yieldToEventLoop();
      }
      return keepDatasetLabels('demo-loki', [...merged.values()], dataset);
    },
  };
}
