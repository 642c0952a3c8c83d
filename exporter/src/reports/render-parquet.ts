// The tables behind the report as Parquet, written by DuckDB's COPY from a scratch in-memory
// database (the warehouse file stays untouched): numbers as DOUBLE, times as TIMESTAMP (UTC).
import { DuckDBInstance } from '@duckdb/node-api';
import type { ReportColumn, ReportTable } from '@sextant/core/reports';

const sqlType = (c: ReportColumn): string => (c.kind === 'text' ? 'VARCHAR' : c.kind === 'time' ? 'TIMESTAMP' : 'DOUBLE');
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Writes each table to `fileOf(table)`; returns the rows written per table. */
export async function writeParquet(tables: readonly ReportTable[], fileOf: (table: ReportTable) => string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const written: Record<string, number> = {};
  try {
    for (const table of tables) {
      await conn.run(`CREATE OR REPLACE TEMP TABLE report_rows (${table.columns.map((c) => `${ident(c.key)} ${sqlType(c)}`).join(', ')})`);
      const values = table.columns.map((c, i) => (c.kind === 'time' ? `epoch_ms($${i + 1}::BIGINT)` : `$${i + 1}`)).join(', ');
      for (const row of table.rows) {
        const params = table.columns.map((c) => {
          const v = row[c.key] ?? null;
          return v === null ? null : c.kind === 'text' ? String(v) : c.kind === 'time' ? BigInt(Math.round(Number(v))) : Number(v);
        });
        await conn.run(`INSERT INTO report_rows VALUES (${values})`, params);
      }
      const file = fileOf(table).replace(/'/g, "''");
      await conn.run(`COPY report_rows TO '${file}' (FORMAT parquet)`);
      written[table.name] = table.rows.length;
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return written;
}
