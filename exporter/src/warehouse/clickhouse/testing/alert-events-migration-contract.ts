// The move of an earlier Sextant's alert history (alert_events sorted by instance and seq) to the
// current key when a warehouse opens (clickhouse-alert-events-migration.ts), part of the store
// contract (store-contract.ts), so it runs on chDB, one 18.16 server and the two-shard cluster:
// every row written by hand here reads back through the alert store, once, afterwards; a move left
// halfway is finished; an open that sees another's rename half done waits for it; two opens at once
// move it once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createLogger, type Logger } from '../../../log.js';
import type { AlertState, HistoryRow } from '../../alert-store.js';
import { DEFAULT_RETENTION_MS } from '../../duckdb-warehouse.js';
import type { ServiceWarehouse } from '../../stores.js';
import { ClickHouseConnection } from '../clickhouse-connection.js';
import { createTables, tableSpecs } from '../clickhouse-schema.js';
import { ALERT_EVENTS_KEY, STORE_TABLES } from '../clickhouse-store-schema.js';
import { openClickHouseWarehouse } from '../clickhouse-warehouse.js';
import { migrateAlertEvents } from '../clickhouse-alert-events-migration.js';
import type { SharedAlertsSetup } from './shared-alerts-contract.js';

const H = 3_600_000;
const TENANT = 'upgraded';
const OLD_KEY = 'tenant, fingerprint, starts_at_ms, seq';
const SPEC = STORE_TABLES.find((t) => t.name === 'alert_events')!;

/** Each instance's state changes as one earlier Sextant process recorded them (several fingerprints, so both shards hold some). */
const LIFECYCLES: Record<string, AlertState[]> = {
  f0: ['firing', 'resolved'],
  f1: ['firing', 'silenced', 'firing', 'resolved'],
  f2: ['firing'],
  f3: ['resolved'],
  f4: ['firing', 'inhibited'],
  f5: ['firing', 'resolved'],
  f6: ['firing'],
  f7: ['firing', 'silenced'],
};

/** The history the old table holds, as the alert store reads it (newest observation first). */
function oldHistory(start: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let observed = start;
  for (const [i, [fingerprint, states]] of Object.entries(LIFECYCLES).entries()) {
    const startsAtMs = start + i * H;
    states.forEach((state, seq) => {
      observed += 60_000;
      rows.push({
        fingerprint, startsAtMs, seq, state, endsAtMs: state === 'resolved' ? startsAtMs + H : null, observedAtMs: observed,
        source: state === 'silenced' || state === 'inhibited' ? 'reconcile' : 'webhook', alertname: `Alert_${fingerprint}`, service: 'api', severity: 'page',
        labels: { alertname: `Alert_${fingerprint}`, note: "it's \"old\"" }, annotations: { summary: `${fingerprint} is bad` },
        suppressedBy: state === 'silenced' ? ['silence-1'] : [],
      });
    });
  }
  return rows.sort((a, b) => b.observedAtMs - a.observedAtMs);
}

function rowOf(h: HistoryRow): Record<string, unknown> {
  return {
    tenant: TENANT, fingerprint: h.fingerprint, starts_at_ms: h.startsAtMs, seq: h.seq, state: h.state, ends_at_ms: h.endsAtMs,
    observed_at_ms: h.observedAtMs, source: h.source, alertname: h.alertname, service: h.service, severity: h.severity,
    labels: JSON.stringify(h.labels), annotations: JSON.stringify(h.annotations), generator_url: 'http://prom/graph', receiver: 'sextant',
    suppressed_by: JSON.stringify(h.suppressedBy),
  };
}

/** A log that keeps its lines' messages, and tells `onLine` of each. */
function keptLog(onLine: (message: string) => void = () => {}): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (line: string): void => {
    const message = String((JSON.parse(line) as { msg: string }).msg);
    lines.push(message);
    onLine(message);
  };
  return { log: createLogger('info', keep), lines };
}

export function alertEventsMigrationContract(setup: () => SharedAlertsSetup): void {
  let serial = 0;

  /** A warehouse whose alert_events an earlier Sextant made (its key, its rows; two rows loaded twice from its intake log). */
  async function earlierWarehouse(client: ClickHouseClient, history: HistoryRow[]): Promise<ClickHouseConnection> {
    const { database, cluster } = setup();
    const db = new ClickHouseConnection(client, `${database}_upgrade_${++serial}`, cluster);
    const earlier = { ...SPEC, engine: `ReplacingMergeTree ORDER BY (${OLD_KEY})` };
    await createTables(db, [...tableSpecs({ database: db.database, codecs: false }), ...STORE_TABLES.map((t) => (t === SPEC ? earlier : t))]);
    await db.insert('alert_events', history.map(rowOf));
    await db.insert('alert_events', history.slice(0, 2).map(rowOf));
    if (cluster !== undefined) {
      // Both shards hold rows, so a move that read one server's rows only would lose some.
      const counts = await Promise.all(setup().clients.map(async (c) => (await (await c.query({ query: `SELECT count() AS n FROM ${db.localTable('alert_events')}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n));
      assert.ok(counts.every((n) => Number(n) > 0), `rows per shard: ${counts.join(', ')}`);
    }
    return db;
  }

  const open = (client: ClickHouseClient, db: ClickHouseConnection, log: Logger, name: string, waitMs?: number): Promise<ServiceWarehouse> =>
    openClickHouseWarehouse({
      connection: new ClickHouseConnection(client, db.database, db.cluster),
      retentionMs: DEFAULT_RETENTION_MS,
      log,
      ...(waitMs === undefined ? {} : { alertsMigrationWaitMs: waitMs }),
      alerts: { dir: join(setup().dir, `upgrade-${serial}-${name}`), shared: true },
    });

  /** Each server's alert tables: alert_events' sorting key, and whether a table aside is left. */
  async function tablesOn(db: ClickHouseConnection): Promise<{ key: string; aside: number }[]> {
    const { clients } = setup();
    const servers = db.cluster === undefined ? [clients[0]] : clients;
    return Promise.all(
      servers.map(async (client) => {
        const rows = await (await client.query({
          query: `SELECT name, sorting_key FROM system.tables WHERE database = '${db.database}' AND name LIKE 'alert_events%'`,
          format: 'JSONEachRow',
        })).json<{ name: string; sorting_key: string }>();
        return { key: rows.find((r) => r.name === db.localName('alert_events'))?.sorting_key ?? '', aside: rows.filter((r) => r.name.includes('old')).length };
      }),
    );
  }

  async function assertMoved(db: ClickHouseConnection, warehouses: ServiceWarehouse[], expected: HistoryRow[]): Promise<void> {
    for (const server of await tablesOn(db)) assert.deepEqual(server, { key: ALERT_EVENTS_KEY, aside: 0 }, 'the current key on every server, nothing left aside');
    for (const [i, w] of warehouses.entries()) {
      assert.deepEqual(await w.alerts.history(TENANT, { limit: 100 }), expected, `warehouse ${i}: every row of the earlier history, once`);
      assert.deepEqual((await w.alerts.open(TENANT)).map((o) => [o.fingerprint, o.state]).sort(), [['f2', 'firing'], ['f4', 'inhibited'], ['f6', 'firing'], ['f7', 'silenced']]);
    }
  }

  const drop = (db: ClickHouseConnection) => db.run(`DROP DATABASE IF EXISTS ${db.database}${db.onCluster}`);

  test('an alert history of an earlier Sextant (keyed by instance and seq) moves to the new key at open, every row readable after', async () => {
    const { clients, start } = setup();
    const expected = oldHistory(start);
    const db = await earlierWarehouse(clients[0], expected);
    const { log, lines } = keptLog();
    let warehouse: ServiceWarehouse | undefined;
    try {
      assert.deepEqual((await tablesOn(db)).map((s) => s.key), (db.cluster ? clients : [0]).map(() => OLD_KEY), 'made with the old key');
      await assert.rejects(
        openClickHouseWarehouse({ connection: db, retentionMs: DEFAULT_RETENTION_MS, create: false }),
        /alert_events(_local)? was made by an earlier Sextant: its rows move to the new key when a command that writes \(sextant serve\) opens/,
        'a command that only reads changes nothing',
      );
      assert.deepEqual((await tablesOn(db)).map((s) => s.key), (db.cluster ? clients : [0]).map(() => OLD_KEY), 'still the old key');
      warehouse = await open(clients[0], db, log, 'single');
      await assertMoved(db, [warehouse], expected);
      assert.equal(lines.filter((l) => l.includes('renamed it to')).length, 1, lines.join('\n'));
      assert.equal(lines.filter((l) => l.includes(`copied the ${expected.length + 2} rows`)).length, 1, lines.join('\n'));
      // A later open finds nothing to move.
      await warehouse.close();
      warehouse = await open(clients[0], db, log, 'again');
      assert.equal(lines.length, 2, lines.join('\n'));
      await assertMoved(db, [warehouse], expected);
    } finally {
      await warehouse?.close();
      await drop(db);
    }
  });

  test('a move stopped halfway (the old table aside, part of its rows copied) is finished at the next open, nothing lost', async () => {
    const { clients, start } = setup();
    const expected = oldHistory(start);
    const db = await earlierWarehouse(clients[0], expected);
    const { log, lines } = keptLog();
    let warehouse: ServiceWarehouse | undefined;
    try {
      // What the first steps of a move do, then a crash in the middle of the copy.
      await db.run(`RENAME TABLE ${db.localTable('alert_events')} TO ${db.localTable('alert_events_old')}${db.onCluster}`);
      await createTables(db, [SPEC], { database: false });
      await db.insert('alert_events', expected.slice(0, 5).map(rowOf));
      warehouse = await open(clients[0], db, log, 'resumed', 0);
      await assertMoved(db, [warehouse], expected);
      assert.equal(lines.filter((l) => l.includes('finishing the move')).length, 1, lines.join('\n'));
      assert.equal(lines.filter((l) => l.includes(`copied the ${expected.length + 2} rows`)).length, 1, lines.join('\n'));
    } finally {
      await warehouse?.close();
      await drop(db);
    }
  });

  test('a move that sees neither table (another process between the two steps of its rename) waits, then finishes the move that process left', async () => {
    const { clients, start } = setup();
    const expected = oldHistory(start);
    const db = await earlierWarehouse(clients[0], expected);
    const moving = db.localTable('alert_events_moving');
    // ClickHouse 18.16 moves a renamed table's data, then its name: in between, neither name is
    // listed. This is what an open sees when another's rename falls between its CREATE TABLE IF NOT
    // EXISTS and its look at the tables, so the move runs alone here, as the open runs it.
    await db.run(`RENAME TABLE ${db.localTable('alert_events')} TO ${moving}${db.onCluster}`);
    let seenWaiting: () => void = () => {};
    const waited = new Promise<void>((resolve) => (seenWaiting = resolve));
    const { log, lines } = keptLog((message) => message.includes('waiting for it') && seenWaiting());
    const moved = migrateAlertEvents(db, SPEC, { log, waitMs: 1000, pollMs: 50 });
    let warehouse: ServiceWarehouse | undefined;
    try {
      await Promise.race([waited, moved.catch(() => {})]);
      // The other process's rename ends, then it stops before the copy.
      await db.run(`RENAME TABLE ${moving} TO ${db.localTable('alert_events_old')}${db.onCluster}`);
      await moved;
      assert.equal(lines.filter((l) => l.includes('waiting for it')).length, 1, lines.join('\n'));
      assert.equal(lines.filter((l) => l.includes('finishing the move')).length, 1, lines.join('\n'));
      warehouse = await open(clients[0], db, log, 'half-renamed');
      await assertMoved(db, [warehouse], expected);
    } finally {
      await warehouse?.close();
      await drop(db);
    }
  });

  test('two opens at once (two replicas starting) move the alert history once, and both read all of it', async () => {
    const { clients, start } = setup();
    const expected = oldHistory(start);
    const db = await earlierWarehouse(clients[0], expected);
    const logs = [keptLog(), keptLog()];
    const opened = await Promise.allSettled(clients.map((client, i) => open(client, db, logs[i]!.log, `replica-${i}`)));
    const warehouses = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      assert.deepEqual(opened.map((o) => o.status), ['fulfilled', 'fulfilled'], String(opened.find((o) => o.status === 'rejected')?.reason));
      const lines = logs.flatMap((l) => l.lines);
      assert.equal(lines.filter((l) => l.includes('renamed it to')).length, 1, lines.join('\n'));
      assert.equal(lines.filter((l) => l.includes('copied the')).length, 1, lines.join('\n'));
      assert.equal(lines.filter((l) => l.includes('finishing the move')).length, 0, lines.join('\n'));
      await assertMoved(db, warehouses, expected);
    } finally {
      for (const w of warehouses) await w.close();
      await drop(db);
    }
  });
}
