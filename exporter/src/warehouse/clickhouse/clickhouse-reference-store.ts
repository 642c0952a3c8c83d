// Reference tables on ClickHouse: not yet. Imports are refused with the reason (a 400 that names the
// DuckDB warehouse), and a ClickHouse warehouse has no reference tables to list, show or drop; BI
// queries refuse joins with them too (clickhouse-query.ts).
import { ImportError, type ImportResult, type ReferenceStore, type ReferenceTable } from '../reference/reference-store.js';

export class ClickHouseReferenceStore implements ReferenceStore {
  importFile(): Promise<ImportResult> {
    return Promise.reject(new ImportError('reference tables need the DuckDB warehouse (warehouse.kind: duckdb); the ClickHouse warehouse does not hold them yet'));
  }

  async list(): Promise<ReferenceTable[]> {
    return [];
  }

  async get(): Promise<ReferenceTable | undefined> {
    return undefined;
  }

  async rows(): Promise<Record<string, unknown>[]> {
    return [];
  }

  async drop(): Promise<boolean> {
    return false;
  }
}
