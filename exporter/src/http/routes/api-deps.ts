import type { Warehouse } from '../../warehouse/warehouse.js';
import type { DatasetDefinition } from '../../sources/metrics-source.js';
import type { Logger } from '../../log.js';
import type { QueryLimits } from '../query-schema.js';

/** What the API routes get from the service. */
export interface ApiDeps {
  warehouse: Warehouse;
  /** The datasets being ingested, every tenant's; routes show each caller only its tenant's. */
  datasets: readonly DatasetDefinition[];
  queryLimits: QueryLimits;
  log: Logger;
}
