import { Gauge, type Registry } from 'prom-client';
import type { Warehouse } from './warehouse.js';

const SIZE = 'sextant_warehouse_size_bytes';

/**
 * `sextant_warehouse_size_bytes`, read from disk at each scrape. Safe to call more than once on
 * a registry (the service and the retention job may both ask for it): the first one wins.
 */
export function registerWarehouseMetrics(registry: Registry, warehouse: Warehouse): void {
  if (registry.getSingleMetric(SIZE)) return;
  new Gauge({
    name: SIZE,
    help: 'Bytes the warehouse occupies on disk (database file and write-ahead log).',
    registers: [registry],
    async collect() {
      if (warehouse.isReady()) this.set(await warehouse.sizeBytes());
    },
  });
}
