import type { StorageLevel, Warehouse } from './warehouse.js';

export interface DuckDbWarehouseOptions {
  /** Database file; ':memory:' for tests that need no disk. */
  path: string;
  /** How long each level keeps its rows, in milliseconds. */
  retentionMs: Record<StorageLevel, number>;
}

/** Opens (creating if needed) the DuckDB warehouse file and runs its migrations. */
export async function openDuckDbWarehouse(_options: DuckDbWarehouseOptions): Promise<Warehouse> {
  throw new Error('openDuckDbWarehouse: not implemented yet');
}
