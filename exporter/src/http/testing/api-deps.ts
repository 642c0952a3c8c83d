import { Registry } from 'prom-client';
import { parseConfig } from '../../config/load.js';
import { createLogger } from '../../log.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../warehouse/duckdb-warehouse.js';
import type { ApiDeps } from '../routes/api-deps.js';

/**
 * ApiDeps for tests of the API: the default config, a real in-memory DuckDB handle for the areas'
 * stores (so every router of the list can be built), and `overrides` on top. Close it at the end.
 */
export async function testApiDeps(overrides: Partial<ApiDeps> = {}): Promise<{ deps: ApiDeps; close: () => Promise<void> }> {
  const duckdb = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS });
  const deps: ApiDeps = {
    config: parseConfig('', { origin: 'test', baseDir: '/', env: {} }),
    warehouse: duckdb,
    handle: duckdb.handle,
    datasets: [],
    registry: new Registry(),
    log: createLogger('error', () => {}),
    now: Date.now,
    ...overrides,
  };
  return { deps, close: () => duckdb.close() };
}
