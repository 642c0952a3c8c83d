// The one door to ClickHouse: reads as rows, statements, JSONEachRow inserts, and waiting for the
// mutations ALTER ... DELETE starts (ClickHouse runs them in the background).
import type { ClickHouseClient } from '@clickhouse/client';
import { sqlString } from './sql-literal.js';

export type ClickHouseRow = Record<string, unknown>;

export class ClickHouseConnection {
  constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
  ) {}

  /** `name` qualified with the warehouse's database. */
  table(name: string): string {
    return `${this.database}.${name}`;
  }

  async read(query: string): Promise<ClickHouseRow[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<ClickHouseRow>();
  }

  /** Reads rows as the server streams them, handed over in batches of up to `batchRows`. */
  async readBatches(query: string, batchRows: number, onBatch: (rows: ClickHouseRow[]) => void): Promise<void> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    let batch: ClickHouseRow[] = [];
    for await (const rows of result.stream<ClickHouseRow>()) {
      for (const row of rows) {
        batch.push(row.json());
        if (batch.length >= batchRows) {
          onBatch(batch);
          batch = [];
        }
      }
    }
    if (batch.length) onBatch(batch);
  }

  async run(query: string): Promise<void> {
    await this.client.command({ query });
  }

  async insert(table: string, values: readonly ClickHouseRow[]): Promise<void> {
    if (values.length === 0) return;
    await this.client.insert({ table: this.table(table), values: values as ClickHouseRow[], format: 'JSONEachRow' });
  }

  /** Deletes rows of `table` matching `where` and waits until the mutation has run. */
  async deleteWhere(table: string, where: string, pollMs = 20): Promise<void> {
    await this.run(`ALTER TABLE ${this.table(table)} DELETE WHERE ${where}`);
    for (;;) {
      const [row] = await this.read(
        `SELECT count() AS n FROM system.mutations WHERE database = ${sqlString(this.database)} AND table = ${sqlString(table)} AND is_done = 0`,
      );
      if (Number(row?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
