// The membership table of Sextant replicas sharing one warehouse: one row per replica, rewritten
// at every heartbeat and whenever the replica changes what it claims (share.ts).

export interface ReplicaRow {
  /** The replica's configured id (unique among the replicas of a warehouse). */
  id: string;
  /** Random per process: two processes configured with the same id are told apart. */
  instance: string;
  /** When the row was written, Unix ms (the replica's clock). */
  heartbeat: number;
  /** For each role (score, ingest, a job's name), the view the replica acts under. */
  views: Record<string, string[]>;
}

export interface ReplicaStore {
  /** Writes the replica's row (replacing its earlier one). */
  beat(row: ReplicaRow): Promise<void>;
  /** The latest row of every replica that ever wrote one. */
  rows(): Promise<ReplicaRow[]>;
}
