import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../log.js';
import { AlertIntake, type AlertEventRow, type IntakeTarget } from './alert-intake.js';
import { duckDbIntakeTarget } from './duckdb-intake-target.js';
import { DuckDbHandle } from './duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';

const T0 = Date.UTC(2026, 10, 1);
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'sextant-intake-test-')), 'w.duckdb');
// Loads only when asked: each test decides when the intake log reaches the table.
const open = (path: string) => openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0, alerts: { loadDelayMs: 3_600_000 } });

// Alert i, as the store is given it (observation) and as a line of the log holds it (row).
const fingerprintOf = (i: number) => i.toString(16).padStart(16, '0');
const labelsOf = (i: number) => ({ alertname: 'X', hostile: `'"\\\n${i}` });
const row = (i: number): AlertEventRow => ({
  tenant: 't',
  fingerprint: fingerprintOf(i),
  starts_at_ms: T0 + i,
  seq: 0,
  state: 'firing',
  ends_at_ms: null,
  observed_at_ms: T0,
  source: 'webhook',
  alertname: 'X',
  service: 's',
  severity: '',
  labels: labelsOf(i),
  annotations: {},
  generator_url: '',
  receiver: 'r',
  suppressed_by: [],
});
const observation = (i: number) => ({
  tenant: 't',
  fingerprint: fingerprintOf(i),
  startsAtMs: T0 + i,
  state: 'firing' as const,
  endsAtMs: null,
  labels: labelsOf(i),
  annotations: {},
  generatorUrl: '',
  receiver: 'r',
  suppressedBy: [],
  source: 'webhook' as const,
});

async function count(warehouse: DuckDbWarehouse): Promise<number> {
  const [result] = await warehouse.handle.read('SELECT count(*) AS n FROM alert_events');
  return Number(result?.n);
}

const segments = (path: string) => readdirSync(`${path}.alert-intake`).filter((name) => name.endsWith('.ndjson'));

test('recorded changes wait in the intake log until a read loads them, exactly as recorded', async () => {
  const path = dbPath();
  const warehouse = await open(path);
  try {
    assert.equal(await warehouse.alerts.record([observation(1), observation(2)]), 2);
    assert.equal(await count(warehouse), 0, 'acknowledged, in the intake log, not yet in the table');
    assert.equal(segments(path).length, 1);
    const [segment] = segments(path);
    assert.equal(warehouse.alerts.unloadedBytes, statSync(join(`${path}.alert-intake`, segment!)).size, 'what waits: the whole segment');
    const [history] = await warehouse.alerts.history('t', { fingerprint: observation(2).fingerprint, limit: 10 });
    assert.deepEqual(history?.labels, observation(2).labels, 'a read sees what waits in the log, without loading it');
    assert.equal(await count(warehouse), 0);
    await warehouse.alerts.loaded();
    assert.equal(await count(warehouse), 2);
    const [loaded] = await warehouse.alerts.history('t', { fingerprint: observation(2).fingerprint, limit: 10 });
    assert.deepEqual(loaded, history, 'the same once loaded; hostile text survives the round trip');
    assert.deepEqual(segments(path), [], 'a loaded segment is deleted');
    assert.equal(warehouse.alerts.unloadedBytes, 0);
  } finally {
    await warehouse.close();
  }
});

test('a history read does not wait for a long warehouse write (a job holding the writing turn), and still shows every change acknowledged before it', async () => {
  const warehouse = await open(dbPath());
  try {
    const store = warehouse.alerts;
    await store.record([observation(1)]);
    await store.loaded();
    // A job's write (an ingest window, a rollup) holds the warehouse's writing turn until released:
    // at the latest after 5 s, so that a read that waits for it fails the test rather than hangs it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const fallback = setTimeout(() => release(), 5_000);
    const job = warehouse.handle.write(async (tx) => {
      await tx.run(`INSERT INTO watermarks VALUES ('t', 'held', 1)`);
      await held;
    });
    assert.equal(await store.record([observation(2)]), 1, 'acknowledged while the write holds its turn');
    const first = await Promise.race([store.history('t', { limit: 10 }), job.then(() => 'the write ended first' as const)]);
    clearTimeout(fallback);
    release();
    await job;
    assert.notEqual(first, 'the write ended first', 'the read waited for the write');
    assert.deepEqual(
      (first as Awaited<ReturnType<typeof store.history>>).map((r) => r.fingerprint).sort(),
      [fingerprintOf(1), fingerprintOf(2)],
      'the change acknowledged before the read is in its answer',
    );
    await store.loaded();
    assert.equal(await count(warehouse), 2, 'loaded once each');
  } finally {
    await warehouse.close();
  }
});

test('a read waits for the load that covers what was acknowledged before it, not for loads of changes after it; reads that need the next load share it', async () => {
  // A target whose every load waits until the test releases it.
  const loads: { id: number; release: () => void }[] = [];
  const target: IntakeTarget = {
    loadedThrough: () => Promise.resolve(0),
    loadSegment: (id) => new Promise((resolve) => loads.push({ id, release: resolve })),
  };
  const intake = await AlertIntake.open(target, { loadDelayMs: 3_600_000 });
  const loadsStarted = async (n: number) => {
    for (let turn = 0; loads.length < n; turn++) {
      assert.ok(turn < 10_000, `${n} loads expected, ${loads.length} started`);
      await new Promise(setImmediate);
    }
  };
  const settledWithin = (read: Promise<void>, ms: number) => Promise.race([read.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  try {
    await intake.append([row(1)]);
    const first = intake.load();
    await loadsStarted(1);
    const second = intake.load(); // nothing acknowledged since the first load started
    await intake.append([row(2)]);
    const third = intake.load();
    const fourth = intake.load();
    loads[0]!.release();
    await first;
    assert.equal(await settledWithin(second, 1_000), true, 'the second read waited for the load of a change acknowledged after it');
    await loadsStarted(2);
    assert.deepEqual(
      loads.map((l) => l.id),
      [1, 2],
    );
    loads[1]!.release();
    await Promise.all([third, fourth]);
    assert.equal(loads.length, 2, 'the third and fourth reads shared one load');
    assert.equal(await settledWithin(intake.load(), 1_000), true, 'nothing acknowledged is left: a read waits for no load');
    assert.equal(loads.length, 2);
  } finally {
    for (const l of loads) l.release();
    await intake.close();
  }
});

test('a lone UTF-16 surrogate (valid to JSON.parse, refused by DuckDB) in a name or a value is stored as U+FFFD instead of stopping the load', async () => {
  const path = dbPath();
  let warehouse = await open(path);
  try {
    const odd = {
      ...observation(1),
      labels: { alertname: 'X', high: 'a\ud800b', low: '\udc00', pair: '😀', text: '\\ud800', 'key\udbff': 'v' },
      annotations: { 'x\ud800': 'y', ['\udc00'.repeat(3)]: 'z\udfff' },
    };
    assert.equal(await warehouse.alerts.record([odd, observation(2)]), 2);
    const [stored] = await warehouse.alerts.history('t', { fingerprint: odd.fingerprint, limit: 1 });
    assert.deepEqual(stored?.labels, { alertname: 'X', high: 'a\ufffdb', low: '\ufffd', pair: '😀', text: '\\ud800', 'key\ufffd': 'v' });
    assert.deepEqual(stored?.annotations, { 'x\ufffd': 'y', '\ufffd\ufffd\ufffd': 'z\ufffd' });
    await warehouse.alerts.loaded();
    assert.deepEqual((await warehouse.alerts.history('t', { fingerprint: odd.fingerprint, limit: 1 }))[0], stored, 'the same once loaded');
    assert.equal(await count(warehouse), 2);
    assert.equal(warehouse.alerts.rejectedLines, 0, 'nothing needed setting aside');
    await warehouse.alerts.record([observation(3)]);
    await warehouse.close();
    warehouse = await open(path);
    assert.equal(await count(warehouse), 3, 'a restart finds everything');
  } finally {
    await warehouse.close();
  }
});

test('at start, lines of a segment that DuckDB refuses are set aside in rejected/ with a log line; the rest loads and the service starts', async () => {
  const path = dbPath();
  await (await open(path)).close();
  const bad = [
    '{"tenant": "t", "fingerprint": ',
    'garbage \u0000 \xff',
    JSON.stringify({ ...row(4), starts_at_ms: 'soon' }),
    JSON.stringify({ ...row(5), labels: { n: 1 } }),
    '[1, 2]',
  ];
  const intakeDir = `${path}.alert-intake`;
  writeFileSync(join(intakeDir, '000000000002.ndjson'), [JSON.stringify(row(1)), ...bad, '', JSON.stringify(row(2))].join('\n') + '\n');
  // What the writer wrote before it repaired names: an annotation name with a lone surrogate.
  const bricking = JSON.stringify(row(3)).replace('"annotations":{}', '"annotations":{"x\\ud800":"y"}');
  writeFileSync(join(intakeDir, '000000000003.ndjson'), `${bricking}\n${JSON.stringify(row(6))}\n`);
  const logged: Record<string, unknown>[] = [];
  const log = createLogger('warn', (line) => logged.push(JSON.parse(line) as Record<string, unknown>));

  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, now: () => T0, alerts: { loadDelayMs: 3_600_000, log } });
  try {
    const rows = await warehouse.handle.read('SELECT fingerprint, labels, annotations FROM alert_events ORDER BY fingerprint');
    assert.deepEqual(
      rows.map((r) => [r.fingerprint, JSON.parse(String(r.labels)), JSON.parse(String(r.annotations))]),
      [1, 2, 3, 6].map((i) => [row(i).fingerprint, row(i).labels, i === 3 ? { 'x\ufffd': 'y' } : {}]),
      'the good lines of the damaged segment are loaded, and the bricking line is repaired',
    );
    assert.equal(readFileSync(join(intakeDir, 'rejected', '000000000002.ndjson'), 'utf8'), bad.map((line) => `${line}\n`).join(''));
    assert.equal(warehouse.alerts.rejectedLines, bad.length);
    assert.deepEqual(
      logged.map((l) => [l.level, l.rejectedLines, l.repairedLines, l.loadedLines, String(l.rejectedFile).split('/').slice(-2).join('/')]),
      [
        ['error', bad.length, 0, 2, 'rejected/000000000002.ndjson'],
        ['error', 0, 1, 2, 'undefined'],
      ],
    );
    assert.match(String(logged[0]?.reasons), /not JSON/);
    assert.deepEqual(readdirSync(join(intakeDir, 'rejected')), ['000000000002.ndjson']);
    assert.deepEqual(segments(path), []);
    // And it goes on working.
    await warehouse.alerts.record([observation(7)]);
    await warehouse.alerts.loaded();
    assert.equal(await count(warehouse), 5);
  } finally {
    await warehouse.close();
  }
});

test('a load that fails for a reason other than its lines sets nothing aside and fails', async () => {
  const path = dbPath();
  const warehouse = await open(path);
  try {
    await warehouse.alerts.record([observation(1)]);
    // The table that records the segments loaded is gone: every line is fine, the load still fails.
    await warehouse.handle.write((tx) => tx.run('ALTER TABLE alert_intake RENAME TO alert_intake_away'));
    await assert.rejects(warehouse.alerts.loaded(), /alert_intake/);
    assert.equal(warehouse.alerts.rejectedLines, 0);
    assert.equal(await count(warehouse), 0, 'nothing of the failed load stays');
    await warehouse.handle.write((tx) => tx.run('ALTER TABLE alert_intake_away RENAME TO alert_intake'));
    await warehouse.alerts.loaded();
    assert.equal(await count(warehouse), 1, 'the next load loads it');
  } finally {
    await warehouse.close();
  }
});

test('a row alert_events cannot hold is refused before it is acknowledged, and the log still loads', async () => {
  const warehouse = await open(dbPath());
  try {
    const store = warehouse.alerts;
    await assert.rejects(store.record([{ ...observation(1), startsAtMs: Number.NaN }]), /starts_at_ms is NaN/);
    await assert.rejects(store.record([observation(2), { ...observation(3), endsAtMs: 1.5, state: 'resolved' }]), /ends_at_ms is 1.5/);
    assert.equal(await store.record([observation(2)]), 1, 'nothing of the refused batch was remembered');
    await store.loaded();
    assert.equal(await count(warehouse), 1);
  } finally {
    await warehouse.close();
  }
});

test('appends racing with loads: every acknowledged row is loaded once', async () => {
  const warehouse = await open(dbPath());
  try {
    const store = warehouse.alerts;
    const reads: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      const recorded = store.record([observation(i)]);
      if (i % 7 === 0) reads.push(store.loaded());
      await recorded;
    }
    await Promise.all(reads);
    await store.loaded();
    assert.equal(await count(warehouse), 200);
  } finally {
    await warehouse.close();
  }
});

test('at start, a segment already loaded (crash between COMMIT and delete) is deleted, not loaded twice', async () => {
  const path = dbPath();
  let warehouse = await open(path);
  await warehouse.alerts.record([observation(1)]);
  await warehouse.alerts.loaded();
  const [state] = await warehouse.handle.read('SELECT loaded_through FROM alert_intake');
  await warehouse.close();
  const loadedThrough = Number(state?.loaded_through);
  assert.ok(loadedThrough >= 1);
  // The segment as the crash would have left it: loaded, recorded as loaded, still on disk.
  const stale = join(`${path}.alert-intake`, `${String(loadedThrough).padStart(12, '0')}.ndjson`);
  writeFileSync(stale, `${JSON.stringify(row(1))}\n`);

  warehouse = await open(path);
  try {
    assert.equal(await count(warehouse), 1);
    assert.equal(existsSync(stale), false);
  } finally {
    await warehouse.close();
  }
});

test('at start, a torn last line (a crash during an unacknowledged append) is cut off; the whole lines are loaded', async () => {
  const path = dbPath();
  await (await open(path)).close();
  const whole = `${JSON.stringify(row(1))}\n${JSON.stringify(row(2))}\n`;
  writeFileSync(join(`${path}.alert-intake`, '000000000007.ndjson'), whole + JSON.stringify(row(3)).slice(0, 40));
  writeFileSync(join(`${path}.alert-intake`, '000000000008.ndjson'), JSON.stringify(row(4)).slice(0, 10));
  writeFileSync(join(`${path}.alert-intake`, 'notes.txt'), 'not a segment: left alone');

  const warehouse = await open(path);
  try {
    const rows = await warehouse.handle.read('SELECT fingerprint, labels FROM alert_events ORDER BY fingerprint');
    assert.deepEqual(
      rows.map((r) => [r.fingerprint, JSON.parse(String(r.labels))]),
      [1, 2].map((i) => [row(i).fingerprint, row(i).labels]),
    );
    const [state] = await warehouse.handle.read('SELECT loaded_through FROM alert_intake');
    assert.equal(Number(state?.loaded_through), 8);
    assert.deepEqual(segments(path), []);
    assert.ok(existsSync(join(`${path}.alert-intake`, 'notes.txt')));
    // New segments continue after the highest id seen.
    await warehouse.alerts.record([observation(9)]);
    assert.deepEqual(segments(path), ['000000000009.ndjson']);
  } finally {
    await warehouse.close();
  }
});

test('an append that cannot be written is refused, and the store forgets it: the next attempt records it', async () => {
  const path = dbPath();
  const warehouse = await open(path);
  try {
    await warehouse.alerts.loaded();
    // The log's directory vanishes: the new segment cannot be created.
    rmSync(`${path}.alert-intake`, { recursive: true });
    await assert.rejects(warehouse.alerts.record([observation(1)]), /ENOENT/);
    mkdirSync(`${path}.alert-intake`);
    assert.equal(await warehouse.alerts.record([observation(1)]), 1, 'not remembered as recorded');
    await warehouse.alerts.loaded();
    assert.equal(await count(warehouse), 1);
  } finally {
    await warehouse.close();
  }
});

test('a warehouse path that DuckDB would read as a glob is refused with the reason', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sextant-intake-test-')), 'w*.duckdb');
  await assert.rejects(open(path), /glob character .* move the warehouse file/);
});

test('a warehouse in memory keeps its intake log in a temporary directory, removed on close', async () => {
  const handle = await DuckDbHandle.open(':memory:');
  await runMigrations(handle, migrations);
  const intake = await AlertIntake.open(await duckDbIntakeTarget(handle));
  try {
    assert.ok(intake.dir.startsWith(tmpdir()));
    await intake.append([row(1)]);
    await intake.load();
    assert.equal(Number((await handle.read('SELECT count(*) AS n FROM alert_events'))[0]?.n), 1);
  } finally {
    await intake.close();
    await handle.close();
  }
  assert.equal(existsSync(intake.dir), false);
});

test('a read around the log keeps the rows of a load that committed after its snapshot began; a later read gets them from the table only', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-intake-around-'));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  await runMigrations(handle, migrations);
  const intake = await AlertIntake.open(await duckDbIntakeTarget(handle), { dir: join(dir, 'intake'), loadDelayMs: 3_600_000, keepUnloadedRows: true });
  t.after(async () => {
    await intake.close();
    await handle.close();
  });
  const loadedThrough = async () => Number((await handle.read('SELECT loaded_through FROM alert_intake'))[0]?.loaded_through);
  await intake.append([row(1)]);
  // The snapshot is taken before the load commits, and the read ends after it.
  const during = await intake.readAround(async () => {
    const seen = await loadedThrough();
    await intake.load();
    return { loadedThrough: seen };
  });
  assert.equal(during.read.loadedThrough, 0);
  assert.deepEqual(during.unloaded, [row(1)]);
  const after = await intake.readAround(async () => ({ loadedThrough: await loadedThrough() }));
  assert.equal(after.read.loadedThrough, 1);
  assert.deepEqual(after.unloaded, []);
  await intake.append([row(2)]);
  assert.deepEqual((await intake.readAround(async () => ({ loadedThrough: await loadedThrough() }))).unloaded, [row(2)]);
});

test('without keepUnloadedRows a read around the log is told to load first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-intake-around-'));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  await runMigrations(handle, migrations);
  const intake = await AlertIntake.open(await duckDbIntakeTarget(handle), { dir: join(dir, 'intake'), loadDelayMs: 3_600_000 });
  t.after(async () => {
    await intake.close();
    await handle.close();
  });
  await intake.append([row(1)]);
  assert.equal((await intake.readAround(async () => ({ loadedThrough: 0 }))).unloaded, undefined);
});
