// The replicas' membership rows on ClickHouse: one ReplacingMergeTree row per replica id, a new
// version at each heartbeat, read with FINAL (the table holds one row per replica that ever ran).
// A view is the member ids joined by commas (ids cannot contain one: config/sections/warehouse.ts).
import type { ReplicaRow, ReplicaStore } from '../../replicas/replica-store.js';
import type { IncreasingIds } from '../increasing-ids.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';

export class ClickHouseReplicaStore implements ReplicaStore {
  constructor(
    private readonly db: ClickHouseConnection,
    private readonly versions: IncreasingIds,
  ) {}

  async beat(row: ReplicaRow): Promise<void> {
    const roles = Object.keys(row.views).sort();
    await this.db.insert('replicas', [
      {
        id: row.id, instance: row.instance, heartbeat_ms: row.heartbeat,
        role_names: roles, role_views: roles.map((r) => row.views[r]!.join(',')), version: this.versions.next(),
      },
    ]);
  }

  async rows(): Promise<ReplicaRow[]> {
    const rows = await this.db.read(`SELECT id, instance, heartbeat_ms, role_names, role_views FROM ${this.db.table('replicas')} FINAL`);
    return rows.map((r) => {
      const names = r.role_names as string[];
      const views = r.role_views as string[];
      return {
        id: String(r.id),
        instance: String(r.instance),
        heartbeat: Number(r.heartbeat_ms),
        views: Object.fromEntries(names.map((n, i) => [n, views[i] ? views[i].split(',') : []])),
      };
    });
  }
}
