// A process killed (SIGKILL, no cleanup) at each step of a move to the cold tier, and of a thaw,
// loses and duplicates nothing: after every restart, the count and sum at every level equal those
// of the samples written, computed here in JavaScript, and every timestamp has each series once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BiQuery, Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../duckdb-warehouse.js';
import { STORAGE_LEVELS } from '../levels.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const STEP = 5 * MIN;
const NOW = Math.floor(Date.now() / DAY) * DAY;
const START = NOW - 6 * DAY;
const SERIES = 40;
const COLD_AFTER = { points: 2 * DAY, '5m': 2 * DAY, '1h': 2 * DAY, '1d': 2 * DAY };
/** Days before NOW - 2 days: the first four, at each of the four levels. */
const DUE_FILES = 4 * 4;

const value = (s: number, i: number): number => Math.round((Math.cos(i / 41 + s) * (s + 1) + ((i * 31 + s * 977) % 23) / 9) * 1000) / 1000;

function series(start: number, end: number, shift = 0): Series[] {
  return Array.from({ length: SERIES }, (_, s) => ({
    labels: { instance: `node-${s}`, job: 'node' },
    samples: Array.from({ length: (end - start) / STEP }, (_, i) => ({ t: start + i * STEP, v: value(s, (start - START) / STEP + i) + shift })),
  }));
}

const EXPECTED = (() => {
  const samples = series(START, NOW).flatMap((s) => s.samples);
  return { count: samples.length, sum: samples.reduce((a, p) => a + p.v, 0) };
})();

/** Count and sum at every level through the query API (table and cold files), and each timestamp's count. */
async function assertWhole(w: DuckDbWarehouse, what: string): Promise<void> {
  for (const bucket of ['raw', '5m', '1h', '1d'] as const) {
    const query: BiQuery = { dataset: 'cpu', measures: ['count', 'sum'], groupBy: [], filters: [], bucket, range: { start: START, end: NOW } };
    const [frame] = await w.query('default', query);
    const counts = frame!.fields[1]!.values.map(Number);
    const sum = frame!.fields[2]!.values.reduce((a, b) => Number(a) + Number(b), 0);
    assert.equal(counts.reduce((a, b) => a + b, 0), EXPECTED.count, `${what}: count at ${bucket}`);
    assert.ok(Math.abs(Number(sum) - EXPECTED.sum) < 1e-6 * Math.abs(EXPECTED.sum), `${what}: sum at ${bucket}: ${sum}, samples ${EXPECTED.sum}`);
    if (bucket === 'raw') assert.ok(counts.every((n) => n === SERIES), `${what}: every timestamp has each series once`);
  }
}

async function open(path: string): Promise<DuckDbWarehouse> {
  return openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, coldAfterMs: COLD_AFTER });
}

/**
 * A child process that opens the warehouse and kills itself (SIGKILL) at the `occurrence`-th write
 * statement matching `at`: before it runs, while it runs, or after it ran (but before the commit).
 */
async function killedChild(path: string, action: 'move' | 'thaw', at: RegExp, occurrence: number, when: 'before' | 'during' | 'after'): Promise<string> {
  const module = new URL('../duckdb-warehouse.ts', import.meta.url).href;
  const thawDay = START + DAY;
  const script = `
    const { openDuckDbWarehouse, DEFAULT_RETENTION_MS } = await import(${JSON.stringify(module)});
    const w = await openDuckDbWarehouse({ path: ${JSON.stringify(path)}, retentionMs: DEFAULT_RETENTION_MS, coldAfterMs: ${JSON.stringify(COLD_AFTER)} });
    const die = async () => { process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); };
    const write = w.handle.write.bind(w.handle);
    let seen = 0;
    w.handle.write = (fn) => write((tx) => fn({ ...tx, onCommit: tx.onCommit, run: async (sql, params) => {
      if (!new RegExp(${JSON.stringify(at.source)}).test(sql) || ++seen !== ${occurrence}) return tx.run(sql, params);
      console.log('killing at ' + sql.trim().slice(0, 40));
      if (${JSON.stringify(when)} === 'during') { const running = tx.run(sql, params); setTimeout(die, 0); await running; }
      if (${JSON.stringify(when)} === 'after') await tx.run(sql, params);
      return die();
    } }));
    if (${JSON.stringify(action)} === 'move') await w.cold.moveCold(${NOW});
    else {
      const samples = Array.from({ length: 12 }, (_, i) => ({ t: ${thawDay} + i * ${STEP}, v: 1e6 }));
      await w.replaceWindow('default', 'cpu', { start: ${thawDay}, end: ${thawDay + 12 * STEP} }, [{ labels: { instance: 'node-0', job: 'node' }, samples }]);
    }
    console.log('finished without being killed');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL', `the child was killed (${out.trim()})`);
  assert.match(out, /killing at/);
  return out;
}

async function manifest(w: DuckDbWarehouse): Promise<string[]> {
  return (await w.handle.read('SELECT level, day_ms FROM cold_files ORDER BY day_ms, level')).map((r) => `${String(r.level)}@${new Date(Number(r.day_ms)).toISOString().slice(0, 10)}`);
}

test('a process killed at any step of a move or a thaw loses and duplicates nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-cold-crash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');
  const fill = await open(path);
  for (let day = START; day < NOW; day += DAY) await fill.replaceWindow('default', 'cpu', { start: day, end: day + DAY }, series(day, day + DAY));
  await fill.rollup();
  await assertWhole(fill, 'before any move');
  await fill.close();

  const coldFile = (level: string, day: number): string => join(`${path}.cold`, level, `${new Date(day).toISOString().slice(0, 10)}.parquet`);
  const restart = async (what: string, removed: (files: string[]) => void): Promise<string[]> => {
    const w = await open(path);
    try {
      removed(w.coldReconciled.removed);
      assert.deepEqual(w.coldReconciled.missing, [], `${what}: no listed file is missing`);
      await assertWhole(w, what);
      return await manifest(w);
    } finally {
      await w.close();
    }
  };

  // 1. While copying the third day-level (START's 1h rollups) to its temporary file.
  await killedChild(path, 'move', /^COPY/, 3, 'during');
  let listed = await restart('killed while writing a temporary file', (removed) => assert.ok(removed.every((f) => f.endsWith('.parquet.tmp')), removed.join()));
  assert.deepEqual(listed, [`5m@${new Date(START).toISOString().slice(0, 10)}`, `points@${new Date(START).toISOString().slice(0, 10)}`]);

  // 2. After the rename, before the rows leave the table: the file is there, the manifest does not name it.
  await killedChild(path, 'move', /^DELETE FROM rollup_1h WHERE bucket >=/, 1, 'before');
  listed = await restart('killed after the rename', (removed) => assert.deepEqual(removed, [coldFile('1h', START)]));
  assert.equal(listed.length, 2);

  // 3. With the rows deleted and the manifest row written, before the commit.
  await killedChild(path, 'move', /^INSERT INTO cold_files/, 2, 'after');
  listed = await restart('killed before the commit', (removed) => assert.deepEqual(removed, [coldFile('1d', START)]));
  assert.equal(listed.length, 3, 'the first move of this run (1h) committed and stays');

  // The rest of the move, to have cold days to thaw.
  const mover = await open(path);
  const result = await mover.cold.moveCold(NOW);
  assert.equal(listed.length + Object.values(result.days).reduce((a, b) => a + b, 0), DUE_FILES);
  await mover.close();

  // 4. In the middle of a thaw: the day's rows are back in the tables, its manifest rows deleted, not committed.
  await killedChild(path, 'thaw', /^DELETE FROM cold_files/, 2, 'after');
  listed = await restart('killed while thawing a day', (removed) => assert.deepEqual(removed, []));
  assert.equal(listed.length, DUE_FILES, 'the thawed day is still cold');

  // Every file on disk is listed, and the tables hold nothing the files hold.
  const w = await open(path);
  t.after(() => w.close());
  for (const level of STORAGE_LEVELS) {
    const files = (await readdir(join(`${path}.cold`, level))).sort();
    assert.deepEqual(files, (await manifest(w)).filter((m) => m.startsWith(`${level}@`)).map((m) => `${m.split('@')[1]}.parquet`));
    const table = level === 'points' ? 'points' : `rollup_${level}`;
    const time = level === 'points' ? 'ts' : 'bucket';
    const [old] = await w.handle.read(`SELECT count(*) AS n FROM ${table} WHERE ${time} < $1`, [NOW - 2 * DAY]);
    assert.equal(Number(old!.n), 0, `no ${level} row of a cold day in ${table}`);
  }
  await assertWhole(w, 'at the end');
});
