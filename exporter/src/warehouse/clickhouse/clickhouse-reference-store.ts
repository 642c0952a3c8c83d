// Reference tables on ClickHouse: a catalog (`reference_tables`, a ReplacingMergeTree by tenant and
// name: the newest version of a table's entry wins, a drop is a version marked dropped) and one
// table per import, `reference_<id>`. ClickHouse has no transactions, so an import never changes a
// table in place: the file is staged and checked in a scratch DuckDB (import-staging.ts, the checks
// and messages of the DuckDB warehouse), its rows and the stored rows it keeps go into a new table,
// and only then does a new catalog version point at it; the old table is dropped after. A refused
// file, or a failure part-way, leaves the catalog on the old table: nothing is half-loaded.
//
// Every column is kept as the text DuckDB gives the typed value (CAST AS VARCHAR), key columns as
// String and the others as Nullable(String): BI queries join, group and filter on reference columns
// as text on DuckDB too, so the same text gives the same answers; numbers are read back from it
// for scaleBy and rows(). On a cluster the table is a Distributed table over every shard like the
// others; queries read it whole on the server Sextant talks to (clickhouse-query.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHandle, type WriteContext } from '../duckdb-handle.js';
import type { IncreasingIds } from '../increasing-ids.js';
import { catalogRowOf, type CatalogRow } from '../reference/catalog-row.js';
import { checkImportOptions, q, sameShape, scanImportFile, stageTyped, TYPED } from '../reference/import-staging.js';
import type { JoinableReferences, LocatedReference } from '../reference/reference-join.js';
import type { ColumnType, ImportOptions, ImportResult, ReferenceColumn, ReferenceStore, ReferenceTable } from '../reference/reference-store.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { createTables } from './clickhouse-schema.js';
import { sqlNumber, sqlString } from './sql-literal.js';

/** Rows copied from the scratch DuckDB to ClickHouse per insert. */
const BATCH_ROWS = 10_000;

/** A reference column name (checked against REFERENCE_NAME) quoted for ClickHouse. */
export const column = (name: string): string => `\`${name}\``;

export class ClickHouseReferenceStore implements ReferenceStore, JoinableReferences {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly ids: IncreasingIds,
    private readonly now: () => number,
  ) {}

  async importFile(tenant: string, name: string, file: string, options: ImportOptions): Promise<ImportResult> {
    checkImportOptions(name, options);
    const scanned = await scanImportFile(file, options);
    const dir = await mkdtemp(join(tmpdir(), 'sextant-reference-'));
    const scratch = await DuckDbHandle.open(join(dir, 'staging.duckdb'));
    try {
      return await scratch.write(async (tx) => {
        const stored = options.replace ? undefined : await this.catalogRow(tenant, name);
        const columns = await stageTyped(tx, file, options, scanned, stored?.table.columns ?? []);
        return this.swapIn(tx, tenant, name, columns, options);
      });
    } finally {
      await scratch.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Writes a new table with the file's rows and the stored rows they do not replace, then points the catalog at it. */
  private async swapIn(tx: WriteContext, tenant: string, name: string, columns: ReferenceColumn[], options: ImportOptions): Promise<ImportResult> {
    const stored = await this.catalogRow(tenant, name);
    const keep = sameShape(name, stored?.table, columns, options) && options.key.length > 0;
    const tableId = this.ids.next();
    const sqlTable = `reference_${tableId}`;
    const columnList = columns.map((c) => column(c.name)).join(', ');
    await createTables(
      this.db,
      [
        {
          name: sqlTable,
          columns: columns.map((c) => `${column(c.name)} ${options.key.includes(c.name) ? 'String' : 'Nullable(String)'}`).join(', '),
          engine: `MergeTree ORDER BY ${options.key.length ? `(${options.key.map(column).join(', ')})` : 'tuple()'}`,
          shardBy: 'rand()',
        },
      ],
      { database: false },
    );
    try {
      const [{ n } = { n: 0 }] = await tx.read(`SELECT count(*) AS n FROM ${TYPED}`);
      const imported = Number(n);
      const text = columns.map((c) => `CAST(${q(c.name)} AS VARCHAR) AS ${q(c.name)}`).join(', ');
      for (let from = 0; from < imported; from += BATCH_ROWS) {
        await this.db.insert(sqlTable, await tx.read(`SELECT ${text} FROM ${TYPED} WHERE record >= $1 AND record < $2 ORDER BY record`, [from, from + BATCH_ROWS]));
      }
      if (stored && keep) {
        const key = options.key.length === 1 ? column(options.key[0]!) : `(${options.key.map(column).join(', ')})`;
        await this.db.run(
          `INSERT INTO ${this.db.table(sqlTable)} (${columnList})
           SELECT ${columnList} FROM ${this.db.table(`reference_${stored.tableId}`)} WHERE ${key} GLOBAL NOT IN (SELECT ${options.key.map(column).join(', ')} FROM ${this.db.table(sqlTable)})`,
        );
      }
      const [counted] = await this.db.read(`SELECT count() AS n FROM ${this.db.table(sqlTable)}`);
      const table: ReferenceTable = { tenant, name, columns, key: options.key, rows: Number(counted?.n ?? 0), importedAt: this.now() };
      await this.writeCatalog(table, tableId, false);
      if (stored) await this.dropTable(stored.tableId);
      return { table, imported, replaced: stored ? stored.table.rows - (keep ? table.rows - imported : 0) : 0 };
    } catch (error) {
      const current = await this.catalogRow(tenant, name).catch(() => undefined);
      if (current?.tableId !== tableId) await this.dropTable(tableId).catch(() => {});
      throw error;
    }
  }

  async list(tenant: string): Promise<ReferenceTable[]> {
    const rows = await this.db.read(`${this.catalogSql(`tenant = ${sqlString(tenant)}`)} ORDER BY name`);
    return rows.map((r) => catalogRowOf(r).table);
  }

  async get(tenant: string, name: string): Promise<ReferenceTable | undefined> {
    return (await this.catalogRow(tenant, name))?.table;
  }

  /** The table's catalog entry with where its rows are (for the query compiler's joins). */
  async locate(tenant: string, name: string): Promise<LocatedReference | undefined> {
    const found = await this.catalogRow(tenant, name);
    return found && { sqlTable: this.db.table(`reference_${found.tableId}`), table: found.table };
  }

  async rows(tenant: string, name: string, limit: number): Promise<Record<string, unknown>[]> {
    const found = await this.catalogRow(tenant, name);
    if (!found) return [];
    const { table, tableId } = found;
    // Ordered as DuckDB orders the typed values: numbers as numbers, the rest as their text.
    const types = new Map(table.columns.map((c) => [c.name, c.type]));
    const order = (table.key.length ? table.key : table.columns.map((c) => c.name)).map((name) => sortable(column(name), types.get(name)!)).join(', ');
    const rows = await this.db.read(`SELECT ${table.columns.map((c) => column(c.name)).join(', ')} FROM ${this.db.table(`reference_${tableId}`)} ORDER BY ${order} LIMIT ${sqlNumber(Math.max(0, Math.floor(limit)))}`);
    return rows.map((row) => Object.fromEntries(table.columns.map((c) => [c.name, typedValue(c.type, row[c.name] as string | null)])));
  }

  async drop(tenant: string, name: string): Promise<boolean> {
    const stored = await this.catalogRow(tenant, name);
    if (!stored) return false;
    await this.writeCatalog(stored.table, stored.tableId, true);
    await this.dropTable(stored.tableId);
    return true;
  }

  /**
   * The catalog's newest entries that are not dropped. The filter on `dropped` runs outside FINAL:
   * inside, it could drop the newest version before the merge and show an older one.
   */
  private catalogSql(where: string): string {
    return `SELECT * FROM (SELECT * FROM ${this.db.table('reference_tables')} FINAL WHERE ${where}) WHERE dropped = 0`;
  }

  private async catalogRow(tenant: string, name: string): Promise<CatalogRow | undefined> {
    const [row] = await this.db.read(this.catalogSql(`tenant = ${sqlString(tenant)} AND name = ${sqlString(name)}`));
    return row ? catalogRowOf(row) : undefined;
  }

  private async writeCatalog(table: ReferenceTable, tableId: number, dropped: boolean): Promise<void> {
    await this.db.insert('reference_tables', [
      {
        tenant: table.tenant, name: table.name, table_id: tableId, columns: JSON.stringify(table.columns), key_columns: JSON.stringify(table.key),
        rows: table.rows, imported_at_ms: table.importedAt, dropped: dropped ? 1 : 0, version: this.ids.next(),
      },
    ]);
  }

  private async dropTable(tableId: number): Promise<void> {
    const name = `reference_${tableId}`;
    if (this.db.cluster !== undefined) await this.db.run(`DROP TABLE IF EXISTS ${this.db.table(name)}${this.db.onCluster}`);
    await this.db.run(`DROP TABLE IF EXISTS ${this.db.localTable(name)}${this.db.onCluster}`);
  }
}

/** A column's text as a value DuckDB's ORDER BY would sort the same way. */
function sortable(expression: string, type: ColumnType): string {
  if (type === 'integer') return `toInt64OrNull(${expression})`;
  if (type === 'number') return `toFloat64OrNull(${expression})`;
  return expression;
}

/** A stored text as the value the DuckDB store's rows() gives for its type. */
function typedValue(type: ColumnType, text: string | null): unknown {
  if (text === null) return null;
  switch (type) {
    case 'integer':
    case 'number':
      return text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp': {
      // DuckDB's text '2026-01-05 10:00:00[.ffffff]' as rows()'s ISO form with milliseconds.
      const [date, time = '00:00:00'] = text.split(' ');
      const [whole, fraction = ''] = time.split('.');
      return `${date}T${whole}.${fraction.padEnd(3, '0').slice(0, 3)}Z`;
    }
    default:
      return text;
  }
}
