// Reference tables in DuckDB: a catalog row per table, the rows in `reference_<table_id>`. An import
// stages and checks the file (import-staging.ts) and swaps the rows in, all in one write transaction.
import type { DuckDbHandle, WriteContext } from '../duckdb-handle.js';
import { catalogRowOf, type CatalogRow } from './catalog-row.js';
import { checkImportOptions, dropStaging, q, sameShape, scanImportFile, SQL_TYPE, stageTyped, TYPED } from './import-staging.js';
import type { ImportOptions, ImportResult, ReferenceColumn, ReferenceStore, ReferenceTable } from './reference-store.js';

export class DuckDbReferenceStore implements ReferenceStore {
  constructor(
    private readonly handle: DuckDbHandle,
    private readonly now: () => number = Date.now,
  ) {}

  async importFile(tenant: string, name: string, file: string, options: ImportOptions): Promise<ImportResult> {
    checkImportOptions(name, options);
    const scanned = await scanImportFile(file, options);
    // A refused file throws, and the rollback takes the temporary tables with it.
    return this.handle.write(async (tx) => {
      const stored = options.replace ? undefined : await catalogRow(tx, tenant, name);
      const columns = await stageTyped(tx, file, options, scanned, stored?.table.columns ?? []);
      const result = await this.swapIn(tx, tenant, name, columns, options);
      await dropStaging(tx);
      return result;
    });
  }

  /** Replaces the stored rows the file's rows supersede (same key, or all) and inserts the file's rows. */
  private async swapIn(tx: WriteContext, tenant: string, name: string, columns: ReferenceColumn[], options: ImportOptions): Promise<ImportResult> {
    const stored = await catalogRow(tx, tenant, name);
    const keep = sameShape(name, stored?.table, columns, options);
    const columnList = columns.map((c) => q(c.name)).join(', ');
    const [{ n: imported } = { n: 0 }] = await tx.read(`SELECT count(*) AS n FROM ${TYPED}`);
    let tableId: number;
    let replaced: number;
    if (stored && keep) {
      tableId = stored.tableId;
      replaced = options.key.length
        ? await tx.run(`DELETE FROM reference_${tableId} t USING ${TYPED} f WHERE ${options.key.map((k) => `t.${q(k)} = f.${q(k)}`).join(' AND ')}`)
        : await tx.run(`DELETE FROM reference_${tableId}`);
    } else {
      if (stored) await tx.run(`DROP TABLE reference_${stored.tableId}`);
      replaced = stored?.table.rows ?? 0;
      const [next] = await tx.read('SELECT coalesce(max(table_id), 0) + 1 AS id FROM reference_tables');
      tableId = Number(next!.id);
      await tx.run(`CREATE TABLE reference_${tableId} (${columns.map((c) => `${q(c.name)} ${SQL_TYPE[c.type]}`).join(', ')})`);
    }
    await tx.run(`INSERT INTO reference_${tableId} (${columnList}) SELECT ${columnList} FROM ${TYPED} ORDER BY record`);
    const [{ n: rows } = { n: 0 }] = await tx.read(`SELECT count(*) AS n FROM reference_${tableId}`);
    const table: ReferenceTable = { tenant, name, columns, key: options.key, rows: Number(rows), importedAt: this.now() };
    await tx.run('DELETE FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
    await tx.run('INSERT INTO reference_tables VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      tenant,
      name,
      tableId,
      JSON.stringify(columns),
      JSON.stringify(options.key),
      table.rows,
      table.importedAt,
    ]);
    return { table, imported: Number(imported), replaced };
  }

  async list(tenant: string): Promise<ReferenceTable[]> {
    const rows = await this.handle.read('SELECT * FROM reference_tables WHERE tenant = $1 ORDER BY name', [tenant]);
    return rows.map((r) => catalogRowOf(r).table);
  }

  async get(tenant: string, name: string): Promise<ReferenceTable | undefined> {
    return (await this.locate(tenant, name))?.table;
  }

  /** The table's catalog entry with where its rows are (for the query compiler's joins). */
  async locate(tenant: string, name: string): Promise<{ sqlTable: string; table: ReferenceTable } | undefined> {
    const [row] = await this.handle.read('SELECT * FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
    if (!row) return undefined;
    const { tableId, table } = catalogRowOf(row);
    return { sqlTable: `reference_${tableId}`, table };
  }

  async rows(tenant: string, name: string, limit: number): Promise<Record<string, unknown>[]> {
    const found = await this.locate(tenant, name);
    if (!found) return [];
    const { table, sqlTable } = found;
    // Dates and timestamps as their ISO text, the way the file had them.
    const select = table.columns.map((c) => (c.type === 'date' || c.type === 'timestamp' ? `strftime(${q(c.name)}, ${c.type === 'date' ? `'%Y-%m-%d'` : `'%Y-%m-%dT%H:%M:%S.%gZ'`}) AS ${q(c.name)}` : q(c.name)));
    const order = (table.key.length ? table.key : table.columns.map((c) => c.name)).map(q).join(', ');
    return this.handle.read(`SELECT ${select.join(', ')} FROM ${sqlTable} ORDER BY ${order} LIMIT $1`, [Math.max(0, Math.floor(limit))]);
  }

  async drop(tenant: string, name: string): Promise<boolean> {
    return this.handle.write(async (tx) => {
      const stored = await catalogRow(tx, tenant, name);
      if (!stored) return false;
      await tx.run(`DROP TABLE reference_${stored.tableId}`);
      await tx.run('DELETE FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
      return true;
    });
  }
}

async function catalogRow(tx: WriteContext, tenant: string, name: string): Promise<CatalogRow | undefined> {
  const [row] = await tx.read('SELECT * FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
  return row ? catalogRowOf(row) : undefined;
}
