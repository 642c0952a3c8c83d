// A row of a reference catalog (`reference_tables`, the same columns on DuckDB and ClickHouse) as
// the table it describes and the id of the SQL table that holds its rows.
import type { ReferenceColumn, ReferenceTable } from './reference-store.js';

export interface CatalogRow {
  tableId: number;
  table: ReferenceTable;
}

export function catalogRowOf(r: Record<string, unknown>): CatalogRow {
  return {
    tableId: Number(r.table_id),
    table: {
      tenant: String(r.tenant),
      name: String(r.name),
      columns: JSON.parse(String(r.columns)) as ReferenceColumn[],
      key: JSON.parse(String(r.key_columns)) as string[],
      rows: Number(r.rows),
      importedAt: Number(r.imported_at_ms),
    },
  };
}
