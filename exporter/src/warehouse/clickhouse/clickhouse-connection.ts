// The one door to ClickHouse: reads as rows or TabSeparated lines, statements, JSONEachRow inserts, and waiting for the
// mutations ALTER ... DELETE starts (ClickHouse runs them in the background).
//
// On a cluster (a `cluster` name from the server's remote_servers), every table is two: `name_local`,
// the MergeTree that holds a shard's rows, created on every shard by ON CLUSTER DDL, and `name`, a
// Distributed table over them. Reads and inserts go through `table(name)` (the Distributed one);
// mutations, partition drops and shard-local joins use `localTable(name)`; `system(name)` reads a
// system table on every shard. Inserts wait until every shard has written its rows
// (insert_distributed_sync), so an acknowledged write is on its shard, not queued on this node.
import { StringDecoder } from 'node:string_decoder';
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

  /** Runs `query` with `FORMAT TabSeparated` and hands the text over as the server streams it, in pieces of whole lines. */
  async readLines(query: string, onLines: (text: string) => void): Promise<void> {
    const { stream } = await this.client.exec({ query: `${query}\nFORMAT TabSeparated` });
    const decoder = new StringDecoder('utf8');
    let carried = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = carried + decoder.write(chunk);
      const cut = text.lastIndexOf('\n') + 1;
      if (cut > 0) onLines(text.slice(0, cut));
      carried = text.slice(cut);
    }
    carried += decoder.end();
    if (carried.length > 0) onLines(carried);
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
