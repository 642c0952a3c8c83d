// The engine-independent half of a reference import, done in DuckDB: the file staged in a temporary
// table as text (or Parquet's own types), each column's type inferred over every row or checked
// against the override or the stored table, every value type-checked and the key checked, leaving
// the typed rows in the temporary table TYPED (column `record`: the row's place in the file). The
// DuckDB store then swaps them into its tables in the same transaction; the ClickHouse store runs
// this in a scratch DuckDB and copies TYPED into ClickHouse. A refused file throws an ImportError
// that names the line (or Parquet row) and column.
import type { WriteContext } from '../duckdb-handle.js';
import { shownValue } from '../../shown-value.js';
import { scanCsv, scanNdjson, type ScannedFile } from './import-scan.js';
import {
  checkReferenceName,
  COLUMN_TYPES,
  ImportError,
  IMPORT_FORMATS,
  type ColumnType,
  type ImportOptions,
  type ReferenceColumn,
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

/** What a text value of a type must look like besides DuckDB casting it: DuckDB casts '0.42' to the integer 0 and '2026-01-05 10:00' to a date. */
const SHAPE: Partial<Record<ColumnType, string>> = { integer: '[+-]?[0-9]+', date: '[0-9]{4}-[0-9]{2}-[0-9]{2}' };

/** True when `column` holds a value of `type`. */
function fits(column: string, type: ColumnType): string {
  const cast = `TRY_CAST(${column} AS ${SQL_TYPE[type]}) IS NOT NULL`;
  const shape = SHAPE[type];
  return shape === undefined ? cast : `(${cast} AND regexp_full_match(trim(CAST(${column} AS VARCHAR)), '${shape}'))`;
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
export const q = (name: string): string => `"${name}"`;

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

const STAGE = 'reference_stage';
/** The temporary table of the file's typed rows: `record` (0-based place in the file) and the columns. */
export const TYPED = 'reference_typed';
/**
 * A staged row's place in the file (0-based). The stage is created inside the import's transaction,
 * where DuckDB numbers rows from a large base, in the order the reader produced them (file order).
 */
const RECORD = `(rowid - (SELECT min(rowid) FROM ${STAGE}))`;

/** Refuses options that name no valid table, format, key or type, before the file is read. */
export function checkImportOptions(name: string, options: ImportOptions): void {
  checkReferenceName(name, 'table');
  if (!IMPORT_FORMATS.includes(options.format)) throw new ImportError(`format ${JSON.stringify(options.format)}: expected one of ${IMPORT_FORMATS.join(', ')}`);
  options.key.forEach((k) => checkReferenceName(k, 'key column'));
  if (new Set(options.key).size !== options.key.length) throw new ImportError(`key: a column is listed twice (${options.key.join(', ')})`);
  for (const [column, type] of Object.entries(options.types)) {
    if (!COLUMN_TYPES.includes(type)) throw new ImportError(`type of column ${column}: ${JSON.stringify(type)} is not a type; expected one of ${COLUMN_TYPES.join(', ')}`);
  }
}

/** The first pass over a CSV or NDJSON file (import-scan.ts), outside any transaction; none for Parquet. */
export function scanImportFile(file: string, options: ImportOptions): Promise<ScannedFile | undefined> {
  if (options.format === 'csv') return scanCsv(file, options.onProgress);
  if (options.format === 'ndjson') return scanNdjson(file, options.onProgress);
  return Promise.resolve(undefined);
}

/**
 * Stages the file, settles and checks every column's type and the key, and leaves the typed rows
 * in TYPED. `stored` are the columns of the table the import updates (none with replace).
 */
export async function stageTyped(tx: WriteContext, file: string, options: ImportOptions, scanned: ScannedFile | undefined, stored: ReferenceColumn[]): Promise<ReferenceColumn[]> {
  const staged = await stage(tx, file, options.format, scanned?.columns, scanned ? (r) => `line ${scanned.lines.lineOf(r)}` : (r) => `row ${r + 1}`);
  const columns = await typesOf(tx, staged, options, stored);
  await checkTypes(tx, staged, columns);
  await tx.run(`CREATE TEMP TABLE ${TYPED} AS SELECT ${RECORD} AS record, ${columns.map((c) => `CAST(${q(c.name)} AS ${SQL_TYPE[c.type]}) AS ${q(c.name)}`).join(', ')} FROM ${STAGE}`);
  await checkKey(tx, staged, options.key);
  return columns;
}

/** Drops the temporary tables of stageTyped (a rollback drops them too). */
export async function dropStaging(tx: WriteContext): Promise<void> {
  await tx.run(`DROP TABLE ${STAGE}`);
  await tx.run(`DROP TABLE ${TYPED}`);
}

/**
 * Whether the file's columns and key are the stored table's. A file of another shape is refused
 * (409) unless the import replaces the whole table.
 */
export function sameShape(name: string, stored: ReferenceTable | undefined, columns: ReferenceColumn[], options: ImportOptions): boolean {
  const same = stored !== undefined && JSON.stringify(stored.columns) === JSON.stringify(columns) && JSON.stringify(stored.key) === JSON.stringify(options.key);
  if (stored && !same && !options.replace) {
    const was = `columns ${describeColumns(stored.columns)}, key ${stored.key.join(', ') || 'none'}`;
    const now = `columns ${describeColumns(columns)}, key ${options.key.join(', ') || 'none'}`;
    throw new ImportError(`table ${name} has ${was}; this file has ${now}. Import with replace to replace the whole table`, 409);
  }
  return same;
}

function describeColumns(columns: ReferenceColumn[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/**
 * Each staged column's type: the override, else the stored table's (a re-import is checked
 * against the table it updates), else Parquet's own, else the most specific type every value has.
 */
async function typesOf(tx: WriteContext, staged: Staged, options: ImportOptions, stored: ReferenceColumn[]): Promise<ReferenceColumn[]> {
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
