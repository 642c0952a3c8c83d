import { Registry } from 'prom-client';
import { parseConfig } from '../../config/load.js';
import { createLogger } from '../../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import { alertsApiRouter } from '../routes/alerts-router.js';
import type { ApiDeps } from '../routes/api-deps.js';

/**
 * ApiDeps for tests of the API: the default config, a real in-memory DuckDB handle for the areas'
 * stores and the alerts router (so every router of the list is built), and `overrides` on top.
 * Close it at the end.
 */
export async function testApiDeps(overrides: Partial<ApiDeps> = {}): Promise<{ deps: ApiDeps; close: () => Promise<void> }> {
  const duckdb = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  const config = parseConfig('', { origin: 'test', baseDir: '/', env: {} });
  const registry = overrides.registry ?? new Registry();
  const log = createLogger('error', () => {});
  const deps: ApiDeps = {
    config,
    warehouse: duckdb,
    stores: duckdb,
    datasets: [],
    registry,
    log,
    now: Date.now,
    alerts: alertsApiRouter({ config: config.alerts, store: duckdb.alerts, registry, log, now: Date.now }),
    ...overrides,
  };
  return { deps, close: () => duckdb.close() };
}
