// alert_events made before Sextant replicas shared the webhook is sorted by (tenant, fingerprint,
// starts_at_ms, seq), which would merge two replicas' different changes of one instance into one row.
// Opening such a warehouse moves its rows into a table with the current key (ALERT_EVENTS_KEY):
//
// 1. RENAME TABLE alert_events TO alert_events_old (each shard's `_local` table on a cluster, ON
//    CLUSTER). A rename is atomic and fails when the target exists or the source is gone, so of
//    several replicas that start at once exactly one renames: that one migrates.
// 2. CREATE the table with the current key (the Distributed table over it stays as it was).
// 3. INSERT INTO alert_events SELECT ... FROM alert_events_old: every shard's rows, through the
//    Distributed table, whose sharding key is unchanged, so each row returns to its shard.
// 4. DROP alert_events_old, only once every one of its rows is in the new table.
//
// A process that finds alert_events_old without having renamed it waits for it to go (another
// replica is copying); if it is still there after `waitMs`, a migration stopped halfway (a crash, an
// outage) and this process finishes steps 2-4 itself. It waits the same way when it finds neither
// table, or its own rename fails while the table still looks unmoved: ClickHouse 18.16 renames in two
// steps (the data, then the name), so another process's rename can be half seen. Copying a row twice
// (a copy cut short and redone, two processes finishing at once) is harmless: the new key is the row's
// whole identity and reads use FINAL, so the row reads once. Rows are copied as stored, without FINAL:
// rows of one process that the old key would have merged are identical, and rows of several processes
// are what the new key keeps apart.
import type { Logger } from '../../log.js';
import type { ClickHouseConnection } from './clickhouse-connection.js';
import { createTables, type TableSpec } from './clickhouse-schema.js';
import { ALERT_EVENTS_KEY } from './clickhouse-store-schema.js';
import { sqlString, sqlStrings } from './sql-literal.js';

const TABLE = 'alert_events';
const ASIDE = `${TABLE}_old`;

export interface AlertEventsMigrationOptions {
  log: Logger;
  /** How long to wait for alert_events_old that another process renamed aside before finishing its move. */
  waitMs: number;
  pollMs?: number;
}

interface Tables {
  /** Sorting key of alert_events (this shard's table), undefined when there is none. */
  current?: string;
  /** Sorting key of alert_events_old, undefined when there is none. */
  aside?: string;
}

const compact = (key: string): string => key.replace(/\s+/g, '');
const hasCurrentKey = (key: string): boolean => compact(key) === compact(ALERT_EVENTS_KEY);

async function tables(db: ClickHouseConnection): Promise<Tables> {
  const rows = await db.read(
    `SELECT name, sorting_key FROM system.tables WHERE database = ${sqlString(db.database)} AND name IN (${sqlStrings([db.localName(TABLE), db.localName(ASIDE)])})`,
  );
  const key = (name: string): string | undefined => {
    const row = rows.find((r) => r.name === db.localName(name));
    return row === undefined ? undefined : String(row.sorting_key);
  };
  return { current: key(TABLE), aside: key(ASIDE) };
}

/** Whether alert_events still has to move (an earlier Sextant's key, or a move not finished). */
export async function alertEventsMigrationPending(db: ClickHouseConnection): Promise<boolean> {
  const found = await tables(db);
  return found.aside !== undefined || (found.current !== undefined && !hasCurrentKey(found.current));
}

/** Moves alert_events to the current key if it has an earlier one, or finishes a move left halfway; see above. */
export async function migrateAlertEvents(db: ClickHouseConnection, spec: TableSpec, options: AlertEventsMigrationOptions): Promise<void> {
  const { log } = options;
  const waiting = anotherMove(db, options);
  for (;;) {
    const found = await tables(db);
    if (found.aside !== undefined) {
      if (await waiting()) continue;
      log.warn(`${db.localTable(ASIDE)} is still there: finishing the move of the alert history that another process left`);
      await finish(db, spec, log);
      continue;
    }
    if (found.current === undefined) {
      // Neither table: another process is between the two steps of its rename.
      if (await waiting()) continue;
      await createTables(db, [spec], { database: false });
      continue;
    }
    if (hasCurrentKey(found.current)) return;
    try {
      await db.run(`RENAME TABLE ${db.localTable(TABLE)} TO ${db.localTable(ASIDE)}${db.onCluster}`);
    } catch (error) {
      // Another process renamed it first (the table is gone, or the target exists): see what it did,
      // and wait while the table still looks unmoved (18.16 shows a rename half done).
      const now = await tables(db);
      if (now.aside !== undefined || now.current === undefined || hasCurrentKey(now.current)) continue;
      if (await waiting()) continue;
      throw error;
    }
    log.info(`alert history: ${db.localTable(TABLE)} was sorted by (${found.current}), made by an earlier Sextant; renamed it to ${db.localTable(ASIDE)} to move its rows to a table sorted by (${ALERT_EVENTS_KEY})`);
    await finish(db, spec, log);
  }
}

/**
 * A wait for another process's move: each call logs at the first, pauses and answers true until
 * `waitMs` has passed since the first call, then false (the other process stopped, or never was).
 */
function anotherMove(db: ClickHouseConnection, options: AlertEventsMigrationOptions): () => Promise<boolean> {
  let since: number | undefined;
  return async () => {
    if (since === undefined) {
      since = Date.now();
      options.log.warn(`${db.localTable(TABLE)} is being moved: another Sextant is moving the alert history to the new key, or one stopped halfway; waiting for it`, { waitMs: options.waitMs });
    }
    if (Date.now() - since >= options.waitMs) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    return true;
  };
}

/** Steps 2-4: the new table, the copy, the check and the drop; nothing to do when another process dropped the table aside meanwhile. */
async function finish(db: ClickHouseConnection, spec: TableSpec, log: Logger): Promise<void> {
  const aside = db.localTable(ASIDE);
  // Every shard's rows of the table aside (it has no Distributed table of its own).
  const source = db.cluster === undefined ? aside : `cluster(${sqlString(db.cluster)}, ${db.database}, ${db.localName(ASIDE)})`;
  const identity = `(${ALERT_EVENTS_KEY})`;
  let rows: number;
  try {
    await createTables(db, [spec], { database: false });
    const columns = await copiedColumns(db);
    await db.run(`INSERT INTO ${db.table(TABLE)} (${columns}) SELECT ${columns} FROM ${source}`);
    const [counted] = await db.read(
      `SELECT count() AS n, countIf(${identity} ${db.cluster === undefined ? '' : 'GLOBAL '}NOT IN (SELECT ${ALERT_EVENTS_KEY} FROM ${db.table(TABLE)})) AS missing FROM ${source}`,
    );
    rows = Number(counted?.n ?? 0);
    const missing = Number(counted?.missing ?? 0);
    if (missing > 0) throw new Error(`moving the alert history: ${missing} of the ${rows} rows of ${aside} are not in ${db.table(TABLE)} after the copy; ${aside} is kept, and the next start copies again`);
  } catch (error) {
    if ((await tables(db)).aside === undefined) return;
    throw error;
  }
  await db.run(`DROP TABLE IF EXISTS ${aside}${db.onCluster}`);
  log.info(`alert history: copied the ${rows} rows of ${aside} into ${db.table(TABLE)} (sorted by (${ALERT_EVENTS_KEY})), every one checked there, and dropped ${aside}`, { rows });
}

/** The columns of the table aside that the new table has too (a column it lacks gets its default). */
async function copiedColumns(db: ClickHouseConnection): Promise<string> {
  const rows = await db.read(
    `SELECT table, name FROM system.columns WHERE database = ${sqlString(db.database)} AND table IN (${sqlStrings([db.localName(TABLE), db.localName(ASIDE)])})`,
  );
  const of = (table: string): string[] => rows.filter((r) => r.table === db.localName(table)).map((r) => String(r.name));
  const current = new Set(of(TABLE));
  return of(ASIDE).filter((name) => current.has(name)).join(', ');
}
