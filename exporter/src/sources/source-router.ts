// One MetricsSource over several backends (Prometheus, Loki, Jaeger, or their demos): each dataset is
// answered by the source it came with. So the one ingest job, its watermarks and its metrics serve
// metrics, logs and traces alike.
import type { DatasetDefinition, MetricsSource } from './metrics-source.js';
import { SourceError } from './metrics-source.js';

export interface SourcePart {
  source: MetricsSource;
  datasets: readonly DatasetDefinition[];
}

const keyOf = (dataset: DatasetDefinition): string => `${dataset.tenant}/${dataset.name}`;

/** Joins the parts (undefined ones are skipped); a dataset name used by two sources is refused. */
export function routeDatasets(parts: readonly (SourcePart | undefined)[]): { source: MetricsSource; datasets: DatasetDefinition[] } {
  const present = parts.filter((part): part is SourcePart => part !== undefined);
  const owners = new Map<string, MetricsSource>();
  for (const { source, datasets } of present) {
    for (const dataset of datasets) {
      const owner = owners.get(keyOf(dataset));
      if (owner) throw new Error(`dataset "${keyOf(dataset)}" comes from both ${owner.name} and ${source.name}: rename one of them`);
      owners.set(keyOf(dataset), source);
    }
  }
  return {
    source: {
      name: present.map((part) => part.source.name).join('+'),
      async queryRange(dataset, range, signal) {
        const owner = owners.get(keyOf(dataset));
        if (!owner) throw new SourceError('sources', `no source has dataset "${keyOf(dataset)}"`, false);
        return owner.queryRange(dataset, range, signal);
      },
    },
    datasets: present.flatMap((part) => [...part.datasets]),
  };
}
