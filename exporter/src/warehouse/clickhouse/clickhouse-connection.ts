// The one door to ClickHouse: reads as rows, statements, JSONEachRow inserts, and waiting for the
// mutations ALTER ... DELETE starts (ClickHouse runs them in the background).
//
// On a cluster (a `cluster` name from the server's remote_servers), every table is two: `name_local`,
// the MergeTree that holds a shard's rows, created on every shard by ON CLUSTER DDL, and `name`, a
// Distributed table over them. Reads and inserts go through `table(name)` (the Distributed one);
// mutations, partition drops and shard-local joins use `localTable(name)`; `system(name)` reads a
// system table on every shard. Inserts wait until every shard has written its rows
// (insert_distributed_sync), so an acknowledged write is on its shard, not queued on this node.
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { sqlString } from './sql-literal.js';

export type ClickHouseRow = Record<string, unknown>;

const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ClickHouseConnection {
  private readonly settings: ClickHouseSettings;

  constructor(
    readonly client: ClickHouseClient,
    readonly database: string,
    /** Name of a cluster in the servers' remote_servers; undefined for a single server. */
    readonly cluster?: string,
  ) {
    if (cluster !== undefined && !CLUSTER_NAME.test(cluster)) {
      throw new Error(`ClickHouse cluster name ${JSON.stringify(cluster)} is not valid: letters, digits and _, not starting with a digit`);
    }
    this.settings = cluster === undefined ? {} : { insert_distributed_sync: 1 };
  }

  /** `name` qualified with the warehouse's database: the Distributed table on a cluster. */
  table(name: string): string {
    return `${this.database}.${name}`;
  }

  /** The table that holds this shard's rows of `name`: `name_local` on a cluster, else `name`. */
  localTable(name: string): string {
    return this.table(this.localName(name));
  }

  localName(name: string): string {
    return this.cluster === undefined ? name : `${name}_local`;
  }

  /** ` ON CLUSTER name` for DDL on a cluster, else nothing. */
  get onCluster(): string {
    return this.cluster === undefined ? '' : ` ON CLUSTER ${this.cluster}`;
  }

  /** System table `name` of every shard (cluster table function) or of the one server. */
  system(name: string): string {
    return this.cluster === undefined ? `system.${name}` : `cluster(${sqlString(this.cluster)}, system, ${name})`;
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
    await this.client.command({ query, clickhouse_settings: this.settings });
  }

  async insert(table: string, values: readonly ClickHouseRow[]): Promise<void> {
    if (values.length === 0) return;
    await this.client.insert({ table: this.table(table), values: values as ClickHouseRow[], format: 'JSONEachRow', clickhouse_settings: this.settings });
  }

  /** Deletes rows of `table` matching `where` on every shard and waits until the mutations have run. */
  async deleteWhere(table: string, where: string, pollMs = 20): Promise<void> {
    await this.run(`ALTER TABLE ${this.localTable(table)}${this.onCluster} DELETE WHERE ${where}`);
    for (;;) {
      const [row] = await this.read(
        `SELECT count() AS n FROM ${this.system('mutations')}
         WHERE database = ${sqlString(this.database)} AND table = ${sqlString(this.localName(table))} AND is_done = 0`,
      );
      if (Number(row?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
