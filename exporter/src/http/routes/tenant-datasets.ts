// The datasets a tenant can query: those ingested for it (from the config and its sources) and the
// alert datasets written from its alert history. GET /datasets lists them and POST /query answers
// them, from this one list.
import { alertDatasetDefinitions } from '../../jobs/alert-datasets.js';
import type { DatasetDefinition } from '../../sources/metrics-source.js';

export function tenantDatasets(datasets: readonly DatasetDefinition[], tenant: string): DatasetDefinition[] {
  return [...datasets.filter((d) => d.tenant === tenant), ...alertDatasetDefinitions(tenant)];
}
