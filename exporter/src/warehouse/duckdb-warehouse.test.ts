import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0);

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-wh-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(t: { after(fn: () => unknown): void }, path?: string): Promise<DuckDbWarehouse> {
  const warehouse = await openDuckDbWarehouse({ path: path ?? join(await tempDir(t), 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(() => warehouse.close());
  return warehouse;
}

function minutes(labels: Record<string, string>, from: number, count: number, value: (i: number) => number): Series {
  return { labels, samples: Array.from({ length: count }, (_, i) => ({ t: from + i * MIN, v: value(i) })) };
}

async function points(w: DuckDbWarehouse, tenant = 'default'): Promise<[string, number, number][]> {
  const rows = await w.handle.read(
    `SELECT s.series_key, p.ts, p.value FROM points p JOIN series s USING (tenant, dataset, series_id)
     WHERE p.tenant = $1 ORDER BY s.series_key, p.ts`,
    [tenant],
  );
  return rows.map((r) => [String(r.series_key), Number(r.ts), Number(r.value)]);
}

test('opening runs the migrations and the warehouse is ready until closed', async (t) => {
  const dir = await tempDir(t);
  const w = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  assert.equal(w.isReady(), true);
  assert.ok((await w.migrate()) >= 1);
  assert.ok((await w.sizeBytes()) > 0);
  await w.close();
  assert.equal(w.isReady(), false);
});

test('re-ingesting a window replaces its points, never duplicates them, and keeps the rest', async (t) => {
  const w = await open(t);
  const a = { job: 'api', instance: 'a:1' };
  const b = { job: 'api', instance: 'b:1' };
  // Window 1: [T0, T0+10m) for a and b; window 2: [T0+10m, T0+20m) for a.
  assert.equal(await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes(a, T0, 10, () => 1), minutes(b, T0, 10, () => 0)]), 20);
  await w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [minutes(a, T0 + 10 * MIN, 10, (i) => i)]);
  // Window 1 again, different values and b gone, plus samples outside the window that must be ignored.
  const rewritten = await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes(a, T0 - 5 * MIN, 20, (i) => 100 + i)]);
  assert.equal(rewritten, 10);
  const rows = await points(w);
  assert.equal(rows.length, 20);
  const keyA = '{instance="a:1",job="api"}';
  assert.deepEqual(
    rows.map(([key, ts, v]) => [key, (ts - T0) / MIN, v]),
    [
      ...Array.from({ length: 10 }, (_, i) => [keyA, i, 105 + i]),
      ...Array.from({ length: 10 }, (_, i) => [keyA, 10 + i, i]),
    ],
  );
  assert.equal(await w.watermark('default', 'up'), T0 + 20 * MIN);
  assert.equal(await w.watermark('default', 'other'), undefined);
  const series = await w.handle.read(`SELECT series_key, first_seen_ms, last_seen_ms FROM series ORDER BY series_key`);
  assert.deepEqual(series, [
    { series_key: keyA, first_seen_ms: T0, last_seen_ms: T0 + 19 * MIN },
    { series_key: '{instance="b:1",job="api"}', first_seen_ms: T0, last_seen_ms: T0 + 9 * MIN },
  ]);
});

test('the watermark only moves forward, and an empty window still counts as ingested', async (t) => {
  const w = await open(t);
  await w.replaceWindow('default', 'up', { start: T0 + 60 * MIN, end: T0 + 70 * MIN }, []);
  assert.equal(await w.watermark('default', 'up'), T0 + 70 * MIN);
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes({ job: 'x' }, T0, 10, () => 1)]);
  assert.equal(await w.watermark('default', 'up'), T0 + 70 * MIN);
});

test("a tenant's watermarks are listed from what was committed, by this process and before it opened", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'w.duckdb');
  const w = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes({ job: 'x' }, T0, 10, () => 1)]);
  await w.replaceWindow('default', 'cpu', { start: T0, end: T0 + 30 * MIN }, []);
  await w.replaceWindow('other', 'up', { start: T0, end: T0 + 50 * MIN }, []);
  await assert.rejects(w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [{ labels: { job: 'x' }, samples: [{ t: T0 + 11 * MIN, v: 1 }, { t: T0 + 11 * MIN, v: 2 }] }]));
  const expected = new Map([['up', T0 + 10 * MIN], ['cpu', T0 + 30 * MIN]]);
  assert.deepEqual(await w.watermarks('default'), expected);
  assert.deepEqual(await w.watermarks('nobody'), new Map());
  await w.close();
  const reopened = await open(t, path);
  assert.deepEqual(await reopened.watermarks('default'), expected);
  const stored = await reopened.handle.read(`SELECT dataset, watermark_ms FROM watermarks WHERE tenant = 'default'`);
  assert.deepEqual(new Map(stored.map((r) => [r.dataset, r.watermark_ms])), expected);
});

test('watermarks are answered while every reading connection is held by a long read', async (t) => {
  const w = await open(t);
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, []);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  // Four sessions: every connection of the reader pool, each held until the gate opens.
  const held = Array.from({ length: 4 }, () => w.handle.readSession(() => gate));
  const timeout = new AbortController();
  const noAnswer = sleep(5_000, 'no answer while the connections were held', { signal: timeout.signal }).catch(() => 'aborted');
  const answered = await Promise.race([w.watermarks('default'), noAnswer]);
  timeout.abort();
  const check = w.handle.read('SELECT 1 AS one');
  release();
  await Promise.all(held);
  assert.deepEqual(answered, new Map([['up', T0 + 10 * MIN]]));
  assert.deepEqual(await check, [{ one: 1 }], 'the pool hands out connections again once the long reads end');
});

test('a window that would merge two series or repeat a timestamp is refused and changes nothing', async (t) => {
  const w = await open(t);
  const window = { start: T0, end: T0 + 10 * MIN };
  await w.replaceWindow('default', 'up', window, [minutes({ job: 'x' }, T0, 10, () => 1)]);
  await assert.rejects(
    w.replaceWindow('default', 'up', window, [minutes({ job: 'y' }, T0, 10, () => 2), minutes({ job: 'y' }, T0, 10, () => 3)]),
    /two series have the labels \{job="y"\}/,
  );
  const repeated: Series = { labels: { job: 'y' }, samples: [{ t: T0, v: 1 }, { t: T0, v: 2 }] };
  await assert.rejects(w.replaceWindow('default', 'up', window, [repeated]), /two samples at 2026-01-05T00:00:00.000Z/);
  assert.deepEqual((await points(w)).map(([k]) => k), Array(10).fill('{job="x"}'));
});

test('a write that fails inside its transaction leaves the previous window intact', async (t) => {
  const w = await open(t);
  const window = { start: T0, end: T0 + 10 * MIN };
  await w.replaceWindow('default', 'up', window, [minutes({ job: 'x' }, T0, 10, (i) => i)]);
  const before = await points(w);
  await assert.rejects(
    w.handle.write(async (tx) => {
      await tx.run('DELETE FROM points');
      await tx.run('UPDATE watermarks SET watermark_ms = 0');
      await tx.run('INSERT INTO points VALUES (NULL, NULL, NULL, NULL, NULL)'); // violates NOT NULL
    }),
    /NOT NULL/,
  );
  assert.deepEqual(await points(w), before);
  assert.equal(await w.watermark('default', 'up'), T0 + 10 * MIN);
});

test('a process killed in the middle of a write loses nothing it acknowledged and keeps nothing half-written', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'crash.duckdb');
  const module = new URL('./duckdb-warehouse.ts', import.meta.url).href;
  // The child acknowledges one window, then dies (SIGKILL, no cleanup) inside a second write.
  const script = `
    const { openDuckDbWarehouse, DEFAULT_RETENTION_MS } = await import(${JSON.stringify(module)});
    const w = await openDuckDbWarehouse({ path: ${JSON.stringify(path)}, retentionMs: DEFAULT_RETENTION_MS });
    const samples = Array.from({ length: 10 }, (_, i) => ({ t: ${T0} + i * ${MIN}, v: i }));
    await w.replaceWindow('default', 'up', { start: ${T0}, end: ${T0 + 10 * MIN} }, [{ labels: { job: 'x' }, samples }]);
    console.log('acknowledged');
    await w.handle.write(async (tx) => {
      await tx.run('DELETE FROM points');
      await tx.run('UPDATE watermarks SET watermark_ms = 1');
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => {});
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL');
  assert.match(out, /acknowledged/);
  const w = await open(t, path);
  assert.deepEqual(await points(w), Array.from({ length: 10 }, (_, i) => ['{job="x"}', T0 + i * MIN, i]));
  assert.equal(await w.watermark('default', 'up'), T0 + 10 * MIN);
});

test('ingest runs are recorded per tenant and listed newest first', async (t) => {
  const w = await open(t);
  const base = { dataset: 'up', rows: 5, durationMs: 12.5 };
  await w.recordIngestRun({ ...base, tenant: 'a', window: { start: T0, end: T0 + MIN }, status: 'ok', finishedAt: T0 + 2 * MIN });
  await w.recordIngestRun({ ...base, tenant: 'a', window: { start: T0 + MIN, end: T0 + 2 * MIN }, status: 'error', error: 'prometheus: timeout after 30s', rows: 0, finishedAt: T0 + 3 * MIN });
  await w.recordIngestRun({ ...base, tenant: 'b', window: { start: T0, end: T0 + MIN }, status: 'ok', finishedAt: T0 + 4 * MIN });
  const runs = await w.listIngestRuns('a', 10);
  assert.deepEqual(runs, [
    { tenant: 'a', dataset: 'up', window: { start: T0 + MIN, end: T0 + 2 * MIN }, rows: 0, status: 'error', error: 'prometheus: timeout after 30s', durationMs: 12.5, finishedAt: T0 + 3 * MIN },
    { tenant: 'a', dataset: 'up', window: { start: T0, end: T0 + MIN }, rows: 5, status: 'ok', durationMs: 12.5, finishedAt: T0 + 2 * MIN },
  ]);
  assert.equal((await w.listIngestRuns('a', 1)).length, 1);
});

test('bad arguments get clear errors', async (t) => {
  const w = await open(t);
  await assert.rejects(w.replaceWindow('', 'up', { start: 0, end: 1 }, []), /tenant: expected a non-empty string/);
  await assert.rejects(w.replaceWindow('default', 'up', { start: 5, end: 5 }, []), /start < end/);
  await assert.rejects(
    openDuckDbWarehouse({ path: ':memory:', retentionMs: { ...DEFAULT_RETENTION_MS, '1h': -1 } }),
    /retention for 1h: expected a positive duration/,
  );
});

/** Records the statements of the warehouse's writes; `failAt` makes the first matching one throw instead. */
function watchWrites(w: DuckDbWarehouse, failAt?: RegExp): string[] {
  const statements: string[] = [];
  const write = w.handle.write.bind(w.handle);
  let failed = false;
  w.handle.write = (fn) =>
    write((tx) =>
      fn({
        ...tx,
        onCommit: tx.onCommit,
        run: async (sql, params) => {
          statements.push(sql.replace(/\s+/g, ' ').trim());
          if (failAt && !failed && failAt.test(sql)) {
            failed = true;
            throw new Error('injected failure');
          }
          return tx.run(sql, params);
        },
      }),
    );
  return statements;
}

async function seriesRows(w: DuckDbWarehouse): Promise<[string, number, number][]> {
  const rows = await w.handle.read(`SELECT series_key, first_seen_ms, last_seen_ms FROM series ORDER BY series_key`);
  return rows.map((r) => [String(r.series_key), (Number(r.first_seen_ms) - T0) / MIN, (Number(r.last_seen_ms) - T0) / MIN]);
}

test('a window past the watermark is written without a delete, and re-ingesting it replaces it', async (t) => {
  const w = await open(t);
  const statements = watchWrites(w);
  const x = { job: 'x' };
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes(x, T0, 10, (i) => i)]);
  await w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [minutes(x, T0 + 10 * MIN, 10, (i) => 10 + i)]);
  assert.deepEqual(statements.filter((s) => s.startsWith('DELETE FROM points')), []);
  // The second window again, with other values and a new series: replaced, not added to.
  await w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [
    minutes(x, T0 + 10 * MIN, 10, (i) => 100 + i),
    minutes({ job: 'y' }, T0 + 15 * MIN, 5, () => 7),
  ]);
  assert.equal(statements.filter((s) => s.startsWith('DELETE FROM points')).length, 1);
  assert.deepEqual(await points(w), [
    ...Array.from({ length: 10 }, (_, i): [string, number, number] => ['{job="x"}', T0 + i * MIN, i]),
    ...Array.from({ length: 10 }, (_, i): [string, number, number] => ['{job="x"}', T0 + (10 + i) * MIN, 100 + i]),
    ...Array.from({ length: 5 }, (_, i): [string, number, number] => ['{job="y"}', T0 + (15 + i) * MIN, 7]),
  ]);
  assert.deepEqual(await seriesRows(w), [
    ['{job="x"}', 0, 19],
    ['{job="y"}', 15, 19],
  ]);
  assert.equal(await w.watermark('default', 'up'), T0 + 20 * MIN);
  assert.deepEqual(await w.handle.read('SELECT first_seen_ms, last_ingest_ms FROM datasets'), [{ first_seen_ms: T0, last_ingest_ms: T0 + 20 * MIN }]);
  // An earlier window (before the first one) moves the dataset's first time, not its watermark.
  await w.replaceWindow('default', 'up', { start: T0 - 10 * MIN, end: T0 }, [minutes(x, T0 - 10 * MIN, 10, () => -1)]);
  assert.deepEqual(await w.handle.read('SELECT first_seen_ms, last_ingest_ms FROM datasets'), [{ first_seen_ms: T0 - 10 * MIN, last_ingest_ms: T0 + 20 * MIN }]);
  assert.deepEqual((await seriesRows(w))[0], ['{job="x"}', -10, 19]);
  assert.equal(await w.watermark('default', 'up'), T0 + 20 * MIN);
});

test('a write that fails after its points are appended changes nothing, and the next write stores every series', async (t) => {
  const w = await open(t);
  const x = { job: 'x' };
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes(x, T0, 10, (i) => i)]);
  const before = { points: await points(w), series: await seriesRows(w) };
  // The last statement of the write fails: points, the new series y and x's widened range were already written.
  watchWrites(w, /^INSERT INTO rollup_dirty/);
  const second = (): Promise<number> =>
    w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [
      minutes(x, T0 + 10 * MIN, 10, () => 1),
      minutes({ job: 'y' }, T0 + 10 * MIN, 10, () => 2),
    ]);
  await assert.rejects(second(), /injected failure/);
  assert.deepEqual(await points(w), before.points);
  assert.deepEqual(await seriesRows(w), before.series);
  assert.equal(await w.watermark('default', 'up'), T0 + 10 * MIN);
  // The warehouse must not believe y is stored or x already widened.
  assert.equal(await second(), 20);
  assert.deepEqual(await seriesRows(w), [
    ['{job="x"}', 0, 19],
    ['{job="y"}', 10, 19],
  ]);
  assert.equal((await points(w)).length, 30);
});

test('a process killed between appending a window and committing it keeps the previous state', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'crash.duckdb');
  const module = new URL('./duckdb-warehouse.ts', import.meta.url).href;
  // The child acknowledges one window, then dies (SIGKILL) at the last statement of the next
  // replaceWindow: its points, a new series and the widened range of the old one are written but
  // not committed.
  const script = `
    const { openDuckDbWarehouse, DEFAULT_RETENTION_MS } = await import(${JSON.stringify(module)});
    const w = await openDuckDbWarehouse({ path: ${JSON.stringify(path)}, retentionMs: DEFAULT_RETENTION_MS });
    const minutes = (job, from) => ({ labels: { job }, samples: Array.from({ length: 10 }, (_, i) => ({ t: from + i * ${MIN}, v: i })) });
    await w.replaceWindow('default', 'up', { start: ${T0}, end: ${T0 + 10 * MIN} }, [minutes('x', ${T0})]);
    console.log('acknowledged');
    const write = w.handle.write.bind(w.handle);
    w.handle.write = (fn) => write((tx) => fn({ ...tx, onCommit: tx.onCommit, run: async (sql, params) => {
      if (sql.startsWith('INSERT INTO rollup_dirty')) { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); }
      return tx.run(sql, params);
    } }));
    await w.replaceWindow('default', 'up', { start: ${T0 + 10 * MIN}, end: ${T0 + 20 * MIN} }, [minutes('x', ${T0 + 10 * MIN}), minutes('y', ${T0 + 10 * MIN})]);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL');
  assert.match(out, /acknowledged/);
  const w = await open(t, path);
  assert.deepEqual(await points(w), Array.from({ length: 10 }, (_, i) => ['{job="x"}', T0 + i * MIN, i]));
  assert.deepEqual(await seriesRows(w), [['{job="x"}', 0, 9]]);
  assert.equal(await w.watermark('default', 'up'), T0 + 10 * MIN);
  assert.deepEqual(await w.handle.read('SELECT first_seen_ms, last_ingest_ms FROM datasets'), [{ first_seen_ms: T0, last_ingest_ms: T0 + 10 * MIN }]);
  // The reopened warehouse writes the lost window in full.
  await w.replaceWindow('default', 'up', { start: T0 + 10 * MIN, end: T0 + 20 * MIN }, [minutes({ job: 'x' }, T0 + 10 * MIN, 10, (i) => i), minutes({ job: 'y' }, T0 + 10 * MIN, 10, (i) => i)]);
  assert.deepEqual(await seriesRows(w), [
    ['{job="x"}', 0, 19],
    ['{job="y"}', 10, 19],
  ]);
  assert.equal((await points(w)).length, 30);
});

test('a series whose reference row retention deleted gets it back when it reappears', async (t) => {
  const w = await open(t);
  const x = { job: 'x' };
  await w.replaceWindow('default', 'up', { start: T0, end: T0 + 10 * MIN }, [minutes(x, T0, 10, () => 1)]);
  const longest = Math.max(...Object.values(DEFAULT_RETENTION_MS));
  const later = T0 + longest + 60 * MIN;
  await w.enforceRetention(later);
  assert.deepEqual(await seriesRows(w), []);
  await w.replaceWindow('default', 'up', { start: later, end: later + 10 * MIN }, [minutes(x, later, 10, () => 2)]);
  assert.deepEqual(await seriesRows(w), [['{job="x"}', (later - T0) / MIN, (later - T0) / MIN + 9]]);
  assert.equal((await points(w)).length, 10);
});
