import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alertInstancesOf, type AlertInstanceColumns } from '@sextant/core/alerts';
import { AlertIntake, type IntakeTarget } from './alert-intake.js';
import type { AlertObservation, HistoryRow } from './alert-store.js';
import { DuckDbAlertEvents } from './duckdb-alert-store.js';
import { duckDbIntakeTarget } from './duckdb-intake-target.js';
import { DuckDbHandle, type Row } from './duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { IntakeAlertStore, type AlertEventsTable, type HistoryFilter, type InstanceState } from './intake-alert-store.js';
import { countingTurns } from '../testing/event-loop-turns.js';
import { ITEMS_PER_TURN } from '../event-loop.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const obs = (state: AlertObservation['state'], endsAtMs: number | null = null): AlertObservation => ({
  tenant: 't',
  fingerprint: 'abcdefabcdefabcd',
  startsAtMs: T0,
  state,
  endsAtMs,
  labels: { alertname: 'X', service: 's' },
  annotations: {},
  generatorUrl: '',
  receiver: 'r',
  suppressedBy: [],
  source: 'webhook',
});

test('a re-delivery of an instance resolved long before a restart is ignored, not an error', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sextant-alert-store-')), 'w.duckdb');
  let warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 60_000 });
  let store = warehouse.alerts;
  assert.equal(await store.record([obs('firing'), obs('silenced'), obs('resolved', T0 + 30_000)]), 3);
  await warehouse.close();

  // Ten days later the cache starts without it (only open and last week's instances are loaded).
  warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 10 * DAY });
  store = warehouse.alerts;
  try {
    await store.record([obs('resolved', T0 + 30_000), obs('firing')]);
    await store.loaded();
    const rows = await warehouse.handle.read('SELECT seq, state FROM alert_events ORDER BY seq');
    assert.deepEqual(rows, [
      { seq: 0, state: 'firing' },
      { seq: 1, state: 'silenced' },
      { seq: 2, state: 'resolved' },
    ]);
    // An open instance is always remembered: its resolution after the restart is recorded.
    const open = { ...obs('firing'), fingerprint: '0123456789abcdef', startsAtMs: T0 + 10 * DAY - 60_000 };
    await store.record([open]);
    await warehouse.close();
    warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 10 * DAY });
    store = warehouse.alerts;
    await store.record([{ ...open, state: 'resolved', endsAtMs: T0 + 10 * DAY }]);
    await store.loaded();
    const states = await warehouse.handle.read(`SELECT seq, state FROM alert_events WHERE fingerprint = '0123456789abcdef' ORDER BY seq`);
    assert.deepEqual(states, [
      { seq: 0, state: 'firing' },
      { seq: 1, state: 'resolved' },
    ]);
  } finally {
    await warehouse.close();
  }
});

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'sextant-alert-store-')), 'w.duckdb');
async function states(warehouse: DuckDbWarehouse): Promise<Row[]> {
  await warehouse.alerts.loaded();
  return warehouse.handle.read('SELECT fingerprint, starts_at_ms, seq, state FROM alert_events ORDER BY fingerprint, starts_at_ms, seq');
}

test('duplicates within one batch are written once, in order, with consecutive seq', async () => {
  const warehouse = await openDuckDbWarehouse({ path: dbPath(), retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 60_000 });
  try {
    const store = warehouse.alerts;
    const other = { ...obs('firing'), fingerprint: '1111111111111111' };
    const batch = [obs('firing'), other, obs('firing'), obs('silenced'), other, obs('silenced'), obs('resolved', T0 + 30_000), obs('firing')];
    assert.equal(await store.record(batch), 4);
    assert.deepEqual(await states(warehouse), [
      { fingerprint: '1111111111111111', starts_at_ms: T0, seq: 0, state: 'firing' },
      { fingerprint: 'abcdefabcdefabcd', starts_at_ms: T0, seq: 0, state: 'firing' },
      { fingerprint: 'abcdefabcdefabcd', starts_at_ms: T0, seq: 1, state: 'silenced' },
      { fingerprint: 'abcdefabcdefabcd', starts_at_ms: T0, seq: 2, state: 'resolved' },
    ]);
    assert.equal(await store.record(batch), 0, 'the whole batch again is a re-delivery');
    assert.equal((await states(warehouse)).length, 4);
  } finally {
    await warehouse.close();
  }
});

test('after the cache is trimmed, a forgotten instance is looked up in the table: no duplicate, the right next seq', async () => {
  const warehouse = await openDuckDbWarehouse({ path: dbPath(), retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + DAY, alerts: { cacheLimit: 8 } });
  try {
    const store = warehouse.alerts;
    const at = (i: number, state: AlertObservation['state']) => ({
      ...obs(state, state === 'resolved' ? T0 + i * 60_000 + 30_000 : null),
      fingerprint: i.toString(16).padStart(16, '0'),
      startsAtMs: T0 + i * 60_000,
    });
    // Ten instances resolved, then one still open: eleven in the cache, over its limit of 8.
    for (let i = 0; i < 10; i++) await store.record([at(i, 'firing'), at(i, 'resolved')]);
    await store.record([at(10, 'firing')]);
    await store.record([at(11, 'firing')]);
    assert.ok(store.cachedInstances <= 8, `trimmed to ${store.cachedInstances} instances`);
    const before = await states(warehouse);
    assert.equal(before.length, 22);

    // The earliest instances were forgotten; their re-deliveries still change nothing.
    assert.equal(await store.record([at(0, 'firing'), at(0, 'resolved'), at(1, 'silenced')]), 0);
    assert.deepEqual(await states(warehouse), before);
    // A forgotten open instance cannot exist (open ones are kept), but a new instance that started
    // as early as the forgotten ones is recorded, once.
    const early = { ...at(0, 'firing'), fingerprint: 'eeeeeeeeeeeeeeee' };
    assert.equal(await store.record([early, early]), 1);
    assert.equal(await store.record([{ ...early, state: 'resolved', endsAtMs: T0 + 1 }]), 1);
    assert.deepEqual((await states(warehouse)).filter((r) => (r as { fingerprint: string }).fingerprint === 'eeeeeeeeeeeeeeee'), [
      { fingerprint: 'eeeeeeeeeeeeeeee', starts_at_ms: T0, seq: 0, state: 'firing' },
      { fingerprint: 'eeeeeeeeeeeeeeee', starts_at_ms: T0, seq: 1, state: 'resolved' },
    ]);
    // The open instance 10 was kept through the trim: its resolution continues its seq.
    assert.equal(await store.record([at(10, 'resolved')]), 1);
    const ten = (await states(warehouse)).filter((r) => (r as { fingerprint: string }).fingerprint === at(10, 'firing').fingerprint);
    assert.deepEqual(ten.map((r) => (r as { seq: number }).seq), [0, 1]);
  } finally {
    await warehouse.close();
  }
});

test('a process killed right after its commits were acknowledged loses none of them; re-delivery after restart adds nothing', async () => {
  const path = dbPath();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'warehouse');
  // The child records five batches, says so after each is acknowledged, and is killed without
  // closing anything, before its intake log is loaded into the table: what it acknowledged must be
  // in the intake log, and loaded at the next start.
  const child = `
    import { openDuckDbWarehouse, DEFAULT_RETENTION_MS } from ${JSON.stringify(pathToFileURL(join(root, 'duckdb-warehouse.js')).href)};
    const warehouse = await openDuckDbWarehouse({ path: ${JSON.stringify(path)}, retentionMs: DEFAULT_RETENTION_MS, now: () => ${T0 + 60_000}, alerts: { loadDelayMs: 3600000 } });
    const store = warehouse.alerts;
    const batches = JSON.parse(process.argv[1]);
    for (const [i, batch] of batches.entries()) {
      await store.record(batch);
      process.stdout.write('acknowledged ' + i + '\\n');
    }
    process.kill(process.pid, 'SIGKILL');
  `;
  const batches = Array.from({ length: 5 }, (_, b) =>
    Array.from({ length: 20 }, (_, i) => ({ ...obs('firing'), fingerprint: (b * 20 + i).toString(16).padStart(16, '0') })),
  );
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child, JSON.stringify(batches)], { encoding: 'utf8' });
  assert.equal(run.signal, 'SIGKILL', run.stderr);
  assert.equal(run.stdout.trim().split('\n').length, 5, 'all five batches were acknowledged');

  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 120_000 });
  try {
    const [row] = await warehouse.handle.read('SELECT count(*) AS n, count(DISTINCT fingerprint) AS instances FROM alert_events');
    assert.deepEqual(row, { n: 100, instances: 100 });
    const store = warehouse.alerts;
    assert.equal(await store.record(batches.flat()), 0, 'Alertmanager re-delivering them after the restart adds nothing');
  } finally {
    await warehouse.close();
  }
});

test('migration 201 keeps a version-200 history and drops its primary key, not its NOT NULLs', async () => {
  const path = dbPath();
  const handle = await DuckDbHandle.open(path);
  await runMigrations(handle, migrations.filter((m) => m.version <= 200));
  const insert = `INSERT INTO alert_events VALUES ('t', 'abcdefabcdefabcd', ${T0}, 0, 'firing', NULL, ${T0}, 'webhook', 'X', 's', '', '{}', '{}', '', 'r', '[]')`;
  await handle.write((tx) => tx.run(insert));
  await assert.rejects(handle.write((tx) => tx.run(insert)), /constraint|duplicate/i, 'version 200 has the key');
  await handle.close();

  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  try {
    assert.deepEqual(await states(warehouse), [{ fingerprint: 'abcdefabcdefabcd', starts_at_ms: T0, seq: 0, state: 'firing' }]);
    const [instance] = await warehouse.handle.read('SELECT alertname, state FROM alert_instances');
    assert.deepEqual(instance, { alertname: 'X', state: 'firing' }, 'the view still reads the rebuilt table');
    await warehouse.handle.write((tx) => tx.run(insert));
    await assert.rejects(warehouse.handle.write((tx) => tx.run(insert.replace("'firing'", 'NULL'))), /NOT NULL/i);
  } finally {
    await warehouse.close();
  }
});

test('an instance with a startsAt in the future is remembered across a restart: its re-delivery adds nothing', async () => {
  const path = dbPath();
  const future = { ...obs('firing'), fingerprint: 'ffffffffffffffff', startsAtMs: T0 + 30 * DAY };
  let warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 });
  await warehouse.alerts.record([future, { ...future, state: 'resolved', endsAtMs: T0 + 31 * DAY }]);
  await warehouse.close();
  warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0 + 10 * DAY });
  try {
    // Ten days later: observed more than a week ago, but it starts after the store's certain horizon.
    const store = warehouse.alerts;
    assert.equal(await store.record([future]), 0);
    assert.deepEqual((await states(warehouse)).map((r) => (r as { seq: number }).seq), [0, 1]);
  } finally {
    await warehouse.close();
  }
});

test('the alert history answers every acknowledged change while the intake log cannot load, each once before and after the load', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-alert-history-'));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  await runMigrations(handle, migrations);
  // The real DuckDB target, whose loads wait at a gate the test opens (a load held up by a checkpoint, or by the jobs).
  const target = await duckDbIntakeTarget(handle);
  let open = true;
  let openGate = () => {};
  let reachedGate = () => {};
  const gateReached = new Promise<'waited for a load'>((resolve) => (reachedGate = () => resolve('waited for a load')));
  const gated: IntakeTarget = {
    loadedThrough: () => target.loadedThrough(),
    async loadSegment(id, file) {
      if (!open) {
        reachedGate();
        await new Promise<void>((resolve) => (openGate = resolve));
      }
      return target.loadSegment(id, file);
    },
  };
  const intake = await AlertIntake.open(gated, { dir: join(dir, 'intake'), loadDelayMs: 3_600_000, keepUnloadedRows: true });
  let clock = T0 + 1000;
  const store = new IntakeAlertStore(new DuckDbAlertEvents(handle), intake, () => clock);
  t.after(async () => {
    open = true;
    openGate();
    await store.close();
    await handle.close();
  });
  const other = { ...obs('firing'), fingerprint: '0123456789abcdef', startsAtMs: T0 + 5_000, labels: { alertname: 'Y', service: 's' } };
  await store.record([obs('firing')]);
  await store.loaded();
  open = false;
  clock = T0 + 2000;
  await store.record([obs('resolved', T0 + 30_000)]);
  clock = T0 + 3000;
  await store.record([other]);

  const answered = store.history('t', { limit: 10 });
  assert.equal(await Promise.race([answered.then(() => 'answered'), gateReached]), 'answered');
  const expected = [
    { fingerprint: other.fingerprint, seq: 0, state: 'firing', observedAtMs: T0 + 3000 },
    { fingerprint: obs('firing').fingerprint, seq: 1, state: 'resolved', observedAtMs: T0 + 2000 },
    { fingerprint: obs('firing').fingerprint, seq: 0, state: 'firing', observedAtMs: T0 + 1000 },
  ];
  const brief = (rows: HistoryRow[]) => rows.map(({ fingerprint, seq, state, observedAtMs }) => ({ fingerprint, seq, state, observedAtMs }));
  assert.deepEqual(brief(await answered), expected);
  assert.deepEqual((await answered)[0]!.labels, other.labels);
  assert.deepEqual(brief(await store.history('t', { limit: 2 })), expected.slice(0, 2));
  assert.deepEqual(brief(await store.history('t', { limit: 10, alertname: 'X' })), expected.slice(1));
  assert.deepEqual(await store.history('u', { limit: 10 }), []);

  open = true;
  openGate();
  await store.loaded();
  assert.deepEqual(brief(await store.history('t', { limit: 10 })), expected);
  assert.deepEqual(await handle.read('SELECT count(*) AS n FROM alert_events'), [{ n: 3 }]);
});

test("the alert history's repeated read is answered from the last table read, with the changes acknowledged since, until the next load", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-alert-history-'));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  await runMigrations(handle, migrations);
  const intake = await AlertIntake.open(await duckDbIntakeTarget(handle), { dir: join(dir, 'intake'), loadDelayMs: 3_600_000, keepUnloadedRows: true });
  let tableReads = 0;
  const table = new (class extends DuckDbAlertEvents {
    override historyWithIntake(tenant: string, filter: HistoryFilter) {
      tableReads += 1;
      return super.historyWithIntake(tenant, filter);
    }
  })(handle);
  let clock = T0 + 1000;
  const store = new IntakeAlertStore(table, intake, () => clock);
  t.after(async () => {
    await store.close();
    await handle.close();
  });
  const brief = (rows: HistoryRow[]) => rows.map(({ fingerprint, seq, state }) => `${fingerprint}/${seq}/${state}`);
  const a = obs('firing');
  const b = { ...obs('firing'), fingerprint: '0123456789abcdef', startsAtMs: T0 + 5_000, labels: { alertname: 'Y', service: 's' } };
  await store.record([a]);
  await store.loaded();

  // Calls in the same turn share one read.
  const first = await Promise.all([store.history('t', { limit: 10 }), store.history('t', { limit: 10 }), store.history('t', { limit: 10 })]);
  assert.deepEqual(first.map(brief), Array(3).fill([`${a.fingerprint}/0/firing`]));
  assert.equal(tableReads, 1);

  clock = T0 + 2000;
  await store.record([b]);
  clock = T0 + 3000;
  await store.record([obs('resolved', T0 + 30_000)]);
  const expected = [`${a.fingerprint}/1/resolved`, `${b.fingerprint}/0/firing`, `${a.fingerprint}/0/firing`];
  assert.deepEqual(brief(await store.history('t', { limit: 10 })), expected, 'every change acknowledged since the read');
  assert.equal(tableReads, 1, 'no load since: the table read is taken again');
  assert.deepEqual(brief(await store.history('t', { limit: 2 })), expected.slice(0, 2));
  assert.deepEqual(brief(await store.history('t', { limit: 10, alertname: 'Y' })), [expected[1]]);
  assert.equal(tableReads, 3, 'another filter is another read');

  await store.loaded();
  assert.deepEqual(brief(await store.history('t', { limit: 10 })), expected);
  assert.equal(tableReads, 4, 'after a load the table is read again');
  assert.deepEqual(brief(await table.history('t', { limit: 10 })), expected, 'as the table itself answers');
  await store.history('t', { limit: 10 });
  assert.equal(tableReads, 5);
});

const fingerprints = (columns: AlertInstanceColumns) => alertInstancesOf(columns).map((i) => i.fingerprint);

test('overlapping() calls with the same range in one turn share one read of the table; a later call reads again and sees what was acknowledged since', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-alert-overlapping-'));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  await runMigrations(handle, migrations);
  const intake = await AlertIntake.open(await duckDbIntakeTarget(handle), { dir: join(dir, 'intake') });
  let tableReads = 0;
  const table = new (class extends DuckDbAlertEvents {
    override overlapping(tenant: string, fromMs: number, toMs: number) {
      tableReads += 1;
      return super.overlapping(tenant, fromMs, toMs);
    }
  })(handle);
  const store = new IntakeAlertStore(table, intake, () => T0 + 1000);
  t.after(async () => {
    await store.close();
    await handle.close();
  });
  const b = { ...obs('firing'), fingerprint: '0123456789abcdef', startsAtMs: T0 + 5_000 };
  await store.record([obs('firing')]);

  const [first, second, other] = await Promise.all([store.overlapping('t', T0, T0 + 60_000), store.overlapping('t', T0, T0 + 60_000), store.overlapping('t', T0 + 10_000, T0 + 60_000)]);
  assert.equal(tableReads, 2, 'one read for the two calls with the same range, one for the other range');
  assert.deepEqual(fingerprints(first), ['abcdefabcdefabcd']);
  assert.equal(second, first, 'the same columns');
  assert.deepEqual(fingerprints(other), ['abcdefabcdefabcd'], 'still firing at T0 + 10 s');

  await store.record([b]);
  const later = await store.overlapping('t', T0, T0 + 60_000);
  assert.equal(tableReads, 3);
  assert.deepEqual(fingerprints(later), ['abcdefabcdefabcd', '0123456789abcdef']);
});

test('the first record after a start fills the cache with the recent states in turns of the event loop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-alert-warm-'));
  const target: IntakeTarget = { loadedThrough: async () => 0, loadSegment: async () => {} };
  const intake = await AlertIntake.open(target, { dir: join(dir, 'intake') });
  const states: InstanceState[] = Array.from({ length: 30_000 }, (_, i) => ({
    tenant: 't',
    fingerprint: i.toString(16).padStart(16, '0'),
    startsAtMs: T0,
    seq: 0,
    state: 'firing',
    observedAtMs: T0,
  }));
  // The table answers at once, so every turn taken is the cache's own.
  const table = { lastStates: async () => states } as unknown as AlertEventsTable;
  const store = new IntakeAlertStore(table, intake, () => T0 + 1000);
  t.after(() => store.close());
  // A re-delivery of a state the table holds: answered from the cache, nothing written.
  const { result, turns } = await countingTurns(() => store.record([{ ...obs('firing'), fingerprint: states[29_999]!.fingerprint }]));
  assert.equal(result, 0);
  assert.ok(turns >= states.length / ITEMS_PER_TURN - 1, `${turns} turns while ${states.length} states were cached`);
});
