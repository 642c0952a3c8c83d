// The replicas' membership table in memory, for tests of the protocol without ClickHouse (the
// ClickHouse table is exercised by clickhouse-replica-store.test.ts and tests/replicas-cluster.test.ts).
import type { ReplicaRow, ReplicaStore } from '../replica-store.js';

export class MemoryReplicas implements ReplicaStore {
  readonly table = new Map<string, ReplicaRow>();

  async beat(row: ReplicaRow): Promise<void> {
    this.table.set(row.id, structuredClone(row));
  }

  async rows(): Promise<ReplicaRow[]> {
    return [...this.table.values()].map((r) => structuredClone(r));
  }
}
