// The alert history shared by two Sextant replicas on one ClickHouse database, part of the store
// contract (store-contract.ts): Alertmanager's notifications land on either replica behind a load
// balancer (an HA pair's two copies on both, retries on the other one, a resolve where the firing did
// not go). Each replica is a warehouse of its own, with its own intake log and cache, on its own
// server of the cluster when there is one. Both must read the history written by hand here, which is
// what one DuckDB process that received every notification in the same order records.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { AlertObservation, AlertState } from '../../alert-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../duckdb-warehouse.js';
import type { ServiceWarehouse } from '../../stores.js';
import { ClickHouseConnection } from '../clickhouse-connection.js';
import { openClickHouseWarehouse } from '../clickhouse-warehouse.js';

export interface SharedAlertsSetup {
  /** A client of each replica's server (the same one twice on a single server). */
  clients: [ClickHouseClient, ClickHouseClient];
  database: string;
  cluster?: string;
  /** A folder for the replicas' intake logs. */
  dir: string;
  /** Alert times start here. */
  start: number;
}

const H = 3_600_000;
const TENANT = 'shared';

interface Delivery {
  replica: 0 | 1;
  alerts: [fingerprint: string, state: AlertState][];
  /**
   * Whether a second passes before the next delivery (the replica's intake log loads into the
   * table); false: the next one comes at once, before this one is in the table.
   */
  settles: boolean;
}

const at = (replica: 0 | 1, alerts: Delivery['alerts'], settles = true): Delivery => ({ replica, alerts, settles });

/** Instance a: the HA pair's copies of its firing on both replicas at once, resolved on the other. */
const DELIVERIES: Delivery[] = [
  at(0, [['a', 'firing'], ['b', 'firing']], false),
  at(1, [['a', 'firing'], ['b', 'firing']]),
  at(0, [['a', 'firing']]), // Alertmanager's retry after a timeout
  at(1, [['a', 'resolved']]), // the resolve lands on the replica that did not get the first firing
  at(0, [['a', 'resolved']]), // its retry on the other one
  at(0, [['a', 'firing']]), // a late firing copy: a resolved instance stays resolved
  at(1, [['c', 'resolved']]), // c's firing notification never came: first seen resolved...
  at(0, [['c', 'firing']]), // ...and its late firing is ignored
  at(1, [['d', 'firing']]),
  at(0, [['d', 'silenced']]), // reconciliation (on the replica that runs it) sees a silence
  at(1, [['d', 'firing']]), // the silence expired: firing again, on the replica that last saw it firing
  at(0, [['d', 'silenced']]), // silenced again: on the replica that last saw it silenced
  at(1, [['b', 'resolved'], ['d', 'resolved']], false), // the HA pair's copies of one resolve, on both at once
  at(0, [['b', 'resolved'], ['d', 'resolved'], ['e', 'firing']]),
  at(1, [['e', 'firing'], ['e', 'firing']]), // one request that repeats an alert
];

/** Each instance's state changes and the delivery (its index) that first brought each. */
const EXPECTED: Record<string, [AlertState, number][]> = {
  a: [['firing', 0], ['resolved', 3]],
  b: [['firing', 0], ['resolved', 12]],
  c: [['resolved', 6]],
  d: [['firing', 8], ['silenced', 9], ['firing', 10], ['silenced', 11], ['resolved', 12]],
  e: [['firing', 13]],
};

export function sharedAlertsContract(setup: () => SharedAlertsSetup): void {
  test('alert history shared by two replicas: duplicates, retries and resolves on either read as one process that received everything', async () => {
    const { clients, database, cluster, dir, start } = setup();
    const startsAt: Record<string, number> = { a: start, b: start + H, c: start + 2 * H, d: start + 3 * H, e: start + 4 * H };
    const observation = (fingerprint: string, state: AlertState): AlertObservation => ({
      tenant: TENANT, fingerprint, startsAtMs: startsAt[fingerprint]!, state, endsAtMs: state === 'resolved' ? startsAt[fingerprint]! + 2 * H : null,
      labels: { alertname: `Alert_${fingerprint}`, service: 'api', severity: 'page' }, annotations: { summary: `${fingerprint} is bad` },
      generatorUrl: 'http://prom/graph', receiver: 'sextant', suppressedBy: state === 'silenced' ? ['silence-1'] : [], source: state === 'silenced' ? 'reconcile' : 'webhook',
    });
    let clock = start + 5 * H;
    const now = () => clock;
    const replicas: ServiceWarehouse[] = [];
    let single: ServiceWarehouse | undefined;
    try {
      for (const [i, client] of clients.entries()) {
        replicas.push(
          await openClickHouseWarehouse({
            connection: new ClickHouseConnection(client, database, cluster),
            retentionMs: DEFAULT_RETENTION_MS,
            now,
            create: false,
            alerts: { dir: join(dir, `replica-${i}`), shared: true },
          }),
        );
      }
      single = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS, now });
      const observedAt: number[] = [];
      for (const delivery of DELIVERIES) {
        clock += 1000;
        observedAt.push(clock);
        const observations = delivery.alerts.map(([fingerprint, state]) => observation(fingerprint, state));
        const replica = replicas[delivery.replica]!;
        await replica.alerts.record(observations);
        if (delivery.settles) await replica.alerts.loaded();
        await single.alerts.record(observations);
      }
      const expected = Object.entries(EXPECTED)
        .flatMap(([fingerprint, changes]) => changes.map(([state, delivery], seq) => [fingerprint, seq, state, observedAt[delivery]!] as const))
        .sort((x, y) => y[3] - x[3] || startsAt[y[0]]! - startsAt[x[0]]! || x[0].localeCompare(y[0]) || y[1] - x[1]);
      const reference = await single.alerts.history(TENANT, { limit: 100 });
      assert.deepEqual(reference.map((r) => [r.fingerprint, r.seq, r.state, r.observedAtMs]), expected, 'one process that received everything');
      const range = { start, end: start + 10 * H };
      for (const [i, replica] of replicas.entries()) {
        const what = `read on replica ${i}`;
        assert.deepEqual(await replica.alerts.history(TENANT, { limit: 100 }), reference, `${what}: history`);
        assert.deepEqual(await replica.alerts.history(TENANT, { limit: 100, fingerprint: 'd' }), await single.alerts.history(TENANT, { limit: 100, fingerprint: 'd' }), `${what}: one instance`);
        assert.deepEqual(await replica.alerts.instances(TENANT, range.start, range.end), await single.alerts.instances(TENANT, range.start, range.end), `${what}: instances`);
        assert.deepEqual(await replica.alerts.overlapping(TENANT, start + 2 * H, start + 4 * H), await single.alerts.overlapping(TENANT, start + 2 * H, start + 4 * H), `${what}: overlapping`);
        assert.deepEqual((await replica.alerts.open(TENANT)).map((o) => [o.fingerprint, o.state]), [['e', 'firing']], `${what}: open`);
        const settings = { objectives: {}, defaultObjective: 0.99, capacityThreshold: 0.9 };
        const report = await replica.reportInputs.read(TENANT, 'daily', range, settings, clock);
        assert.deepEqual(report.alerts, (await single.reportInputs.read(TENANT, 'daily', range, settings, clock)).alerts, `${what}: report`);
      }
      // Both replicas did write the duplicates that the reads fold away.
      const [stored] = await (await clients[0].query({ query: `SELECT count() AS n FROM ${database}.alert_events FINAL WHERE tenant = '${TENANT}'`, format: 'JSONEachRow' })).json<{ n: string }>();
      assert.ok(Number(stored!.n) > expected.length, `${stored!.n} rows stored for ${expected.length} state changes`);
    } finally {
      for (const w of [...replicas, single]) await w?.close();
    }
  });
}
