// The built-in demo behind the same MetricsSource interface as Prometheus: the datasets of the default
// pack, answered from the seeded demo scenario of the core instead of PromQL.
import { type DemoScenario, isDemoMetric, scenario } from '@sextant/core/demo';
import type { Series, TimeRange } from '@sextant/core';
import { defaultDatasets } from './default-datasets.js';
import { type DatasetDefinition, type MetricsSource, SourceError } from './metrics-source.js';
import { reduceLabels } from './prometheus-labels.js';

export interface DemoSourceOptions {
  seed: number;
  /** The clock: the demo never answers points later than now, as a real Prometheus would not. */
  now: () => number;
}

export interface DemoSource extends MetricsSource {
  readonly scenario: DemoScenario;
}

/** The demo's datasets: the default pack, every one of which the demo scenario generates. */
export function demoDatasets(tenant: string, stepMs?: number): DatasetDefinition[] {
  return defaultDatasets(tenant, stepMs).filter((dataset) => isDemoMetric(dataset.name));
}

export function createDemoSource(options: DemoSourceOptions): DemoSource {
  const demo = scenario(options.seed);
  return {
    name: 'demo',
    scenario: demo,
    async queryRange(dataset: DatasetDefinition, range: TimeRange): Promise<Series[]> {
      if (!isDemoMetric(dataset.name)) {
        throw new SourceError('demo', `dataset "${dataset.name}" is not part of the demo (it has: ${demoDatasets(dataset.tenant).map((d) => d.name).join(', ')})`, false);
      }
      const end = Math.min(range.end, options.now() + 1);
      if (end <= range.start) return [];
      const series = demo.series(dataset.name, { start: range.start, end }, dataset.stepMs).filter((s) => s.samples.length > 0);
      try {
        return reduceLabels(series, dataset.keepLabels);
      } catch (error) {
        throw new SourceError('demo', `dataset "${dataset.name}": ${(error as Error).message}`, false);
      }
    },
  };
}
