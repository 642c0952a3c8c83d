// Reference tables: a tenant's business data (teams per host, cost centres, customer tiers) that BI
// queries join with datasets on a label. Imported whole from CSV, NDJSON or Parquet files.

/** The column types a reference table holds. */
export const COLUMN_TYPES = ['text', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export const IMPORT_FORMATS = ['csv', 'ndjson', 'parquet'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ReferenceColumn {
  name: string;
  type: ColumnType;
}

export interface ReferenceTable {
  tenant: string;
  name: string;
  columns: ReferenceColumn[];
  /** Columns whose values identify a row; re-importing replaces rows by key. Empty: the whole table is replaced. */
  key: string[];
  rows: number;
  importedAt: number;
}

export interface ImportOptions {
  format: ImportFormat;
  /** Key columns (see ReferenceTable.key). */
  key: string[];
  /** Types that replace the inferred ones, by column. */
  types: Record<string, ColumnType>;
  /** Replace the whole table even when its columns or key change (otherwise such an import is refused). */
  replace: boolean;
  /** Called as the file is read: bytes done of the total. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface ImportResult {
  table: ReferenceTable;
  /** Rows in the file. */
  imported: number;
  /** Stored rows the import replaced (same key, or the whole table). */
  replaced: number;
}

/**
 * The tenant's reference tables. An import is one transaction: a file with any bad row (named by
 * line and column) changes nothing.
 */
export interface ReferenceStore {
  importFile(tenant: string, name: string, file: string, options: ImportOptions): Promise<ImportResult>;
  list(tenant: string): Promise<ReferenceTable[]>;
  get(tenant: string, name: string): Promise<ReferenceTable | undefined>;
  /** The first `limit` rows, ordered by key (or by the columns when there is none). */
  rows(tenant: string, name: string, limit: number): Promise<Record<string, unknown>[]>;
  /** Deletes the table; false when there was none. */
  drop(tenant: string, name: string): Promise<boolean>;
}

/** A file or request the import refuses, with what, where and why. */
export class ImportError extends Error {
  constructor(
    message: string,
    /** 400 bad input, 409 conflicts with the stored table, 413 too large. */
    readonly status: 400 | 409 | 413 = 400,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Table and column names: simple identifiers, so that they can be grouped by and shown as they are. */
export const REFERENCE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkReferenceName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !REFERENCE_NAME.test(name)) {
    throw new ImportError(`${what} ${JSON.stringify(name)}: expected a name of letters, digits and _ (not starting with a digit, at most 63 characters)`);
  }
  return name;
}
