// A BI query's join with a reference table, checked the same way on every engine: the table exists
// for the tenant, the columns the query names exist, the scale is a number and the join column
// holds each value at most once (or a series would count once per row); and a table replaced or
// dropped while the query ran is a 409 to run again, not the engine's error.
import type { BiQuery } from '@sextant/core';
import { QueryError } from '../query-error.js';
import type { ReferenceTable } from './reference-store.js';

/** A reference table with the SQL name of the table that holds its rows. */
export interface LocatedReference {
  sqlTable: string;
  table: ReferenceTable;
}

/** What a query needs of an engine's reference tables to join one. */
export interface JoinableReferences {
  locate(tenant: string, name: string): Promise<LocatedReference | undefined>;
  list(tenant: string): Promise<ReferenceTable[]>;
}

/** The most repeated non-null value of `column` in `sqlTable`, with its count, if any value repeats. */
export type RepeatedValue = (sqlTable: string, column: string) => Promise<{ value: string; n: number } | undefined>;

/**
 * The result of `reading` from the joined table at `sqlTable`. An import or a drop of that table
 * between locating it and reading it leaves a name that is gone: then a 409 that says to run again.
 */
export async function whileJoined<T>(reading: Promise<T>, reference: JoinableReferences, tenant: string, query: BiQuery, sqlTable: string): Promise<T> {
  try {
    return await reading;
  } catch (error) {
    if ((await reference.locate(tenant, query.join!.table))?.sqlTable === sqlTable) throw error;
    throw new QueryError(`query.join.table: table ${query.join!.table} was replaced or dropped while the query ran; run the query again`, 409);
  }
}

/** The query's join table, once its columns are checked (see the file's comment). */
export async function joinedTable(reference: JoinableReferences, tenant: string, query: BiQuery, repeatedValue: RepeatedValue): Promise<LocatedReference> {
  const join = query.join!;
  const found = await reference.locate(tenant, join.table);
  if (!found) {
    const known = (await reference.list(tenant)).map((t) => t.name);
    throw new QueryError(`query.join.table: tenant ${tenant} has no reference table "${join.table}"; its tables: ${known.join(', ') || 'none (import one with sextant import)'}`);
  }
  const columns = new Map(found.table.columns.map((c) => [c.name, c.type]));
  const named = [
    ['query.join.column', join.column],
    ...(join.scaleBy === undefined ? [] : [['query.join.scaleBy', join.scaleBy]]),
    ...[...query.groupBy, ...query.filters.map((f) => f.label)].filter((n) => n.includes('.')).map((n) => ['query', n.slice(join.table.length + 1)]),
  ];
  for (const [where, column] of named) {
    if (!columns.has(column!)) throw new QueryError(`${where}: table ${join.table} has no column ${column}; its columns: ${[...columns.keys()].join(', ')}`);
  }
  const scaleType = join.scaleBy === undefined ? undefined : columns.get(join.scaleBy);
  if (scaleType !== undefined && scaleType !== 'number' && scaleType !== 'integer') {
    throw new QueryError(`query.join.scaleBy: column ${join.scaleBy} of table ${join.table} is ${scaleType}, not a number`);
  }
  const repeated = await whileJoined(repeatedValue(found.sqlTable, join.column), reference, tenant, query, found.sqlTable);
  if (repeated) {
    throw new QueryError(`query.join.column: ${join.column} of table ${join.table} holds ${JSON.stringify(repeated.value)} in ${repeated.n} rows; a join column must identify one row (import the table with --key ${join.column})`);
  }
  return found;
}
