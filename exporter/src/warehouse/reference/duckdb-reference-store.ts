// Reference tables in DuckDB: a catalog row per table, the rows in `reference_<table_id>`. An import
// stages the file in a temporary table as text, infers or checks each column's type over every row,
// checks the key, and swaps the rows in, all in one write transaction.
import type { DuckDbHandle, WriteContext } from '../duckdb-handle.js';
import { scanCsv, scanNdjson } from './import-scan.js';
import { shownValue } from '../../shown-value.js';
import {
  checkReferenceName,
  COLUMN_TYPES,
  ImportError,
  IMPORT_FORMATS,
  type ColumnType,
  type ImportOptions,
  type ImportResult,
  type ReferenceColumn,
  type ReferenceStore,
  type ReferenceTable,
} from './reference-store.js';

export const SQL_TYPE: Record<ColumnType, string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * True when `column` holds a value of `type`. DuckDB casts '0.42' to the integer 0, so integers
 * must also look like one.
 */
function fits(column: string, type: ColumnType): string {
  const cast = `TRY_CAST(${column} AS ${SQL_TYPE[type]}) IS NOT NULL`;
  return type === 'integer' ? `(${cast} AND regexp_full_match(trim(CAST(${column} AS VARCHAR)), '[+-]?[0-9]+'))` : cast;
}

/** Types tried, most specific first, when inferring a text column's type. */
const INFERRED_ORDER: ColumnType[] = ['integer', 'number', 'boolean', 'date', 'timestamp'];

const TYPE_WORDS: Record<ColumnType, string> = {
  text: 'text',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true/false)',
  date: 'a date (YYYY-MM-DD)',
  timestamp: 'a timestamp (YYYY-MM-DD HH:MM:SS, UTC)',
};

/** A column name, checked against REFERENCE_NAME, quoted for SQL. */
const q = (name: string): string => `"${name}"`;

/** DuckDB's type of a Parquet column, as a reference column type. */
function fromSqlType(sqlType: string): ColumnType {
  if (/^(U?BIGINT|U?INTEGER|U?SMALLINT|U?TINYINT|HUGEINT)$/.test(sqlType)) return 'integer';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(sqlType)) return 'number';
  if (sqlType === 'BOOLEAN') return 'boolean';
  if (sqlType === 'DATE') return 'date';
  if (sqlType.startsWith('TIMESTAMP')) return 'timestamp';
  return 'text';
}

interface Staged {
  /** Columns as staged: text for CSV and NDJSON, their own type for Parquet. */
  columns: ReferenceColumn[];
  /** Where a staged row (0-based) came from, for error messages. */
  where: (record: number) => string;
}

interface CatalogRow {
  tableId: number;
  table: ReferenceTable;
}

const STAGE = 'reference_stage';
const TYPED = 'reference_typed';
/**
 * A staged row's place in the file (0-based). The stage is created inside the import's transaction,
 * where DuckDB numbers rows from a large base, in the order the reader produced them (file order).
 */
const RECORD = `(rowid - (SELECT min(rowid) FROM ${STAGE}))`;

export class DuckDbReferenceStore implements ReferenceStore {
  constructor(
    private readonly handle: DuckDbHandle,
    private readonly now: () => number = Date.now,
  ) {}

  async importFile(tenant: string, name: string, file: string, options: ImportOptions): Promise<ImportResult> {
    checkReferenceName(name, 'table');
    if (!IMPORT_FORMATS.includes(options.format)) throw new ImportError(`format ${JSON.stringify(options.format)}: expected one of ${IMPORT_FORMATS.join(', ')}`);
    options.key.forEach((k) => checkReferenceName(k, 'key column'));
    if (new Set(options.key).size !== options.key.length) throw new ImportError(`key: a column is listed twice (${options.key.join(', ')})`);
    for (const [column, type] of Object.entries(options.types)) {
      if (!COLUMN_TYPES.includes(type)) throw new ImportError(`type of column ${column}: ${JSON.stringify(type)} is not a type; expected one of ${COLUMN_TYPES.join(', ')}`);
    }
    const scanned = options.format === 'csv' ? await scanCsv(file, options.onProgress) : options.format === 'ndjson' ? await scanNdjson(file, options.onProgress) : undefined;
    // A refused file throws, and the rollback takes the temporary tables with it.
    return this.handle.write(async (tx) => {
      const staged = await stage(tx, file, options.format, scanned?.columns, scanned ? (r) => `line ${scanned.lines.lineOf(r)}` : (r) => `row ${r + 1}`);
      const stored = options.replace ? undefined : await catalogRow(tx, tenant, name);
      const columns = await this.typesOf(tx, staged, options, stored?.table.columns ?? []);
      await checkTypes(tx, staged, columns);
      await tx.run(`CREATE TEMP TABLE ${TYPED} AS SELECT ${RECORD} AS record, ${columns.map((c) => `CAST(${q(c.name)} AS ${SQL_TYPE[c.type]}) AS ${q(c.name)}`).join(', ')} FROM ${STAGE}`);
      await checkKey(tx, staged, options.key);
      const result = await this.swapIn(tx, tenant, name, columns, options);
      await tx.run(`DROP TABLE ${STAGE}`);
      await tx.run(`DROP TABLE ${TYPED}`);
      return result;
    });
  }

  /**
   * Each staged column's type: the override, else the stored table's (a re-import is checked
   * against the table it updates), else Parquet's own, else the most specific type every value has.
   */
  private async typesOf(tx: WriteContext, staged: Staged, options: ImportOptions, stored: ReferenceColumn[]): Promise<ReferenceColumn[]> {
    const names = new Set(staged.columns.map((c) => c.name));
    for (const column of [...Object.keys(options.types), ...options.key]) {
      if (!names.has(column)) throw new ImportError(`column ${column}: the file has no such column; its columns are ${[...names].join(', ')}`);
    }
    const storedType = new Map(stored.map((c) => [c.name, c.type]));
    const given = (name: string): ColumnType | undefined => options.types[name] ?? storedType.get(name);
    const toInfer = staged.columns.filter((c) => given(c.name) === undefined && c.type === 'text');
    const inferred = new Map<string, ColumnType>();
    if (toInfer.length > 0) {
      const checks = toInfer.flatMap((c, i) => [
        `count(${q(c.name)}) AS n${i}`,
        ...INFERRED_ORDER.map((t) => `count(*) FILTER (WHERE ${q(c.name)} IS NOT NULL AND NOT ${fits(q(c.name), t)}) AS ${t}${i}`),
      ]);
      const [counts] = await tx.read(`SELECT ${checks.join(', ')} FROM ${STAGE}`);
      toInfer.forEach((c, i) => {
        const fits = Number(counts![`n${i}`]) > 0 ? INFERRED_ORDER.find((t) => Number(counts![`${t}${i}`]) === 0) : undefined;
        inferred.set(c.name, fits ?? 'text');
      });
    }
    return staged.columns.map((c) => ({ name: c.name, type: given(c.name) ?? inferred.get(c.name) ?? c.type }));
  }

  /** Replaces the stored rows the file's rows supersede (same key, or all) and inserts the file's rows. */
  private async swapIn(tx: WriteContext, tenant: string, name: string, columns: ReferenceColumn[], options: ImportOptions): Promise<ImportResult> {
    const stored = await catalogRow(tx, tenant, name);
    const sameShape = stored !== undefined && JSON.stringify(stored.table.columns) === JSON.stringify(columns) && JSON.stringify(stored.table.key) === JSON.stringify(options.key);
    if (stored && !sameShape && !options.replace) {
      const was = `columns ${describeColumns(stored.table.columns)}, key ${stored.table.key.join(', ') || 'none'}`;
      const now = `columns ${describeColumns(columns)}, key ${options.key.join(', ') || 'none'}`;
      throw new ImportError(`table ${name} has ${was}; this file has ${now}. Import with replace to replace the whole table`, 409);
    }
    const columnList = columns.map((c) => q(c.name)).join(', ');
    const [{ n: imported } = { n: 0 }] = await tx.read(`SELECT count(*) AS n FROM ${TYPED}`);
    let tableId: number;
    let replaced: number;
    if (stored && sameShape) {
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
    return rows.map((r) => fromCatalog(r).table);
  }

  async get(tenant: string, name: string): Promise<ReferenceTable | undefined> {
    return (await this.locate(tenant, name))?.table;
  }

  /** The table's catalog entry with where its rows are (for the query compiler's joins). */
  async locate(tenant: string, name: string): Promise<{ sqlTable: string; table: ReferenceTable } | undefined> {
    const [row] = await this.handle.read('SELECT * FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
    if (!row) return undefined;
    const { tableId, table } = fromCatalog(row);
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

function fromCatalog(r: Record<string, unknown>): CatalogRow {
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

async function catalogRow(tx: WriteContext, tenant: string, name: string): Promise<CatalogRow | undefined> {
  const [row] = await tx.read('SELECT * FROM reference_tables WHERE tenant = $1 AND name = $2', [tenant, name]);
  return row ? fromCatalog(row) : undefined;
}

function describeColumns(columns: ReferenceColumn[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/** The file's rows in the temporary table STAGE, in file order (see RECORD). */
async function stage(tx: WriteContext, file: string, format: ImportOptions['format'], scannedColumns: string[] | undefined, where: Staged['where']): Promise<Staged> {
  const textColumns = `{${(scannedColumns ?? []).map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  const reader =
    format === 'csv'
      ? `read_csv($1, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = ${textColumns})`
      : format === 'ndjson'
        ? `read_json($1, format = 'newline_delimited', columns = ${textColumns})`
        : 'read_parquet($1)';
  try {
    await tx.run(`CREATE TEMP TABLE ${STAGE} AS SELECT * FROM ${reader}`, [file]);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/^[A-Za-z ]+Error: /, '');
    throw new ImportError(`the ${format} file could not be read: ${reason}`);
  }
  const described = await tx.read(`DESCRIBE ${STAGE}`);
  const columns = described.map((d, i): ReferenceColumn => ({ name: checkReferenceName(String(d.column_name), `column ${i + 1}`), type: fromSqlType(String(d.column_type)) }));
  if (format === 'parquet') {
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name.toLowerCase())) throw new ImportError(`two columns are named ${c.name} (names ignore case)`);
      seen.add(c.name.toLowerCase());
    }
  }
  return { columns, where };
}

/** Refuses the first value (in file order) that its column's type cannot hold. */
async function checkTypes(tx: WriteContext, staged: Staged, columns: ReferenceColumn[]): Promise<void> {
  const checked = columns.filter((c, i) => c.type !== staged.columns[i]!.type);
  if (checked.length === 0) return;
  const bad = checked.map(
    (c, i) => `(SELECT ${RECORD} AS record, ${i} AS col, CAST(${q(c.name)} AS VARCHAR) AS value FROM ${STAGE}
       WHERE ${q(c.name)} IS NOT NULL AND NOT ${fits(q(c.name), c.type)} ORDER BY rowid LIMIT 1)`,
  );
  const [first] = await tx.read(`SELECT * FROM (${bad.join(' UNION ALL ')}) ORDER BY record LIMIT 1`);
  if (!first) return;
  const column = checked[Number(first.col)]!;
  throw new ImportError(`${staged.where(Number(first.record))}, column ${column.name}: ${shownValue(first.value)} is not ${TYPE_WORDS[column.type]}; fix the value or give the column another type`);
}

/** Refuses a row without a key value, or two rows with the same key, naming where they are. */
async function checkKey(tx: WriteContext, staged: Staged, key: string[]): Promise<void> {
  if (key.length === 0) return;
  const [missing] = await tx.read(`SELECT record, ${key.map((k, i) => `${q(k)} IS NULL AS k${i}`).join(', ')} FROM ${TYPED} WHERE ${key.map((k) => `${q(k)} IS NULL`).join(' OR ')} ORDER BY record LIMIT 1`);
  if (missing) {
    const column = key.find((_, i) => missing[`k${i}`] === true)!;
    throw new ImportError(`${staged.where(Number(missing.record))}, column ${column}: the key column is empty`);
  }
  const keyList = key.map(q).join(', ');
  const [twice] = await tx.read(
    `SELECT min(record) AS first, max(record) AS second, ${key.map((k, i) => `CAST(${q(k)} AS VARCHAR) AS k${i}`).join(', ')}
     FROM (SELECT record, ${keyList}, row_number() OVER (PARTITION BY ${keyList} ORDER BY record) AS nth FROM ${TYPED})
     WHERE nth <= 2 GROUP BY ${keyList} HAVING count(*) > 1 ORDER BY second LIMIT 1`,
  );
  if (twice) {
    const value = key.map((k, i) => `${k}=${shownValue(twice[`k${i}`])}`).join(', ');
    throw new ImportError(`${staged.where(Number(twice.first))} and ${staged.where(Number(twice.second)).replace(/^(line|row) /, '')}: the same key (${value}); a key must identify one row`);
  }
}
