import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { appendChunks, DuckDbHandle, Repeated } from './duckdb-handle.js';
import { countingTurns } from '../testing/event-loop-turns.js';

async function tempHandle(t: { after(fn: () => unknown): void }, settings?: Record<string, string>): Promise<{ handle: DuckDbHandle; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-handle-'));
  const path = join(dir, 'h.duckdb');
  const handle = await DuckDbHandle.open(path, { settings });
  t.after(async () => {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { handle, path };
}

test('a write that throws is rolled back, appended rows included, and the error reaches the caller', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, id BIGINT, v DOUBLE)'));
  await handle.write((tx) => tx.append('t', [['a'], [1], [1.5]]));
  await assert.rejects(
    handle.write(async (tx) => {
      await tx.run('DELETE FROM t');
      await tx.append('t', [['a', 'a'], [2, 3], [2.5, 3.5]]);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(await handle.read('SELECT * FROM t'), [{ tenant: 'a', id: 1, v: 1.5 }]);
});

test('writes run one at a time in the order they were queued', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE log (tenant VARCHAR, i INTEGER)'));
  const order: number[] = [];
  await Promise.all(
    [0, 1, 2, 3].map((i) =>
      handle.write(async (tx) => {
        order.push(i);
        await new Promise((r) => setTimeout(r, (4 - i) * 5));
        await tx.run('INSERT INTO log VALUES ($1, $2)', ['t', i]);
      }),
    ),
  );
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(
    (await handle.read('SELECT i FROM log ORDER BY rowid')).map((r) => r.i),
    [0, 1, 2, 3],
  );
});

test('reads convert BIGINT to number and timestamps to Unix ms, with parameters', async (t) => {
  const { handle } = await tempHandle(t);
  const rows = await handle.read(`SELECT $1::BIGINT AS big, epoch_ms($1::BIGINT) AS at, $2 AS s, [1::BIGINT, 2] AS list`, [
    1_700_000_000_123,
    "it's",
  ]);
  assert.deepEqual(rows, [{ big: 1_700_000_000_123, at: 1_700_000_000_123, s: "it's", list: [1, 2] }]);
});

test('read answers every row of a result of many chunks once, in order', async (t) => {
  const { handle } = await tempHandle(t);
  const rows = await handle.read('SELECT i AS id, i || \'\' AS text FROM range($1::BIGINT) t(i) ORDER BY i', [10_000]);
  assert.deepEqual(rows, Array.from({ length: 10_000 }, (_, i) => ({ id: i, text: String(i) })));
});

test('a read run again after its table changed answers the new values (a statement planned with the old statistics would not)', async (t) => {
  const { handle } = await tempHandle(t);
  const T = 1_767_571_200_000;
  await handle.write((tx) => tx.run('CREATE TABLE s (k VARCHAR, first BIGINT, last BIGINT)'));
  await handle.write((tx) => tx.run(`INSERT INTO s VALUES ('x', ${T}, ${T + 540_000})`));
  const read = () => handle.read('SELECT k, first, last FROM s ORDER BY k');
  assert.deepEqual(await read(), [{ k: 'x', first: T, last: T + 540_000 }]);
  await handle.write((tx) => tx.run(`UPDATE s SET first = ${T - 600_000}, last = ${T + 1_140_000}`));
  assert.deepEqual(await read(), [{ k: 'x', first: T - 600_000, last: T + 1_140_000 }]);
});

test('readChunks hands every row once, in order, column by column across chunks, with the event loop served between chunks', async (t) => {
  const { handle } = await tempHandle(t);
  const ids: unknown[] = [];
  const halves: unknown[] = [];
  let chunks = 0;
  const { turns } = await countingTurns(() =>
    handle.readChunks('SELECT i::DOUBLE AS id, i / 2 AS half FROM range($1::BIGINT) t(i) ORDER BY i', [10_000], ([id, half]) => {
      chunks++;
      ids.push(...id!);
      halves.push(...half!);
    }),
  );
  assert.deepEqual(ids, Array.from({ length: 10_000 }, (_, i) => i));
  assert.deepEqual(halves, Array.from({ length: 10_000 }, (_, i) => i / 2));
  assert.ok(chunks >= 4, `${chunks} chunks`);
  assert.ok(turns >= chunks - 1, `${turns} event loop turns for ${chunks} chunks`);
});

test('a second process cannot open a held file, and the error says which file and that a service holds it', async (t) => {
  const { path } = await tempHandle(t);
  const module = new URL('./duckdb-handle.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(module)}).then(async ({ DuckDbHandle }) => {
    try { await DuckDbHandle.open(${JSON.stringify(path)}); console.log('opened'); }
    catch (e) { console.log(e.name + ': ' + e.message); }
  })`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.match(child.stdout, /^DatabaseLockedError: the warehouse file /);
  assert.ok(child.stdout.includes(`${path} is held by another process`), child.stdout);
  assert.match(child.stdout, /sextant serve/);
});

test('append stores large, negative and NULL values exactly, across chunk boundaries', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, id BIGINT, v DOUBLE)'));
  const n = 5000;
  const ids = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -(2 ** 53 - 1) + i : 2 ** 53 - 1 - i));
  const values = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -i / 3 : i * 1e300));
  // One NULL in the second chunk only: rows of the third chunk must not inherit it.
  const tenants = Array.from({ length: n }, (_, i) => (i === 2500 ? null : `t${i % 5}`));
  const idsWithNull: (number | null)[] = ids.map((id, i) => (i === 2100 ? null : id));
  await handle.write((tx) => tx.append('t', [tenants, idsWithNull, values]));
  const rows = await handle.read('SELECT tenant, id::VARCHAR AS id, v FROM t ORDER BY rowid');
  assert.equal(rows.length, n);
  rows.forEach((row, i) => {
    assert.deepEqual(row, { tenant: tenants[i], id: idsWithNull[i] === null ? null : String(BigInt(ids[i]!)), v: values[i] }, `row ${i}`);
  });
});

test('after close, reads and writes are refused with a rejected promise, and queued writes finish first', async () => {
  const handle = await DuckDbHandle.open(':memory:');
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, i INTEGER)'));
  const pending = handle.write(async (tx) => {
    await new Promise((r) => setTimeout(r, 20));
    return tx.run(`INSERT INTO t VALUES ('a', 1)`);
  });
  const closing = handle.close();
  assert.equal(await pending, 1);
  await closing;
  await assert.rejects(handle.read('SELECT 1'), /the warehouse :memory: is closed/);
  await assert.rejects(handle.write(async () => 1), /is closed/);
});

test('append takes Repeated values and Float64Array columns, across chunk boundaries', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, dataset VARCHAR, id BIGINT, v DOUBLE)'));
  const n = 4500; // two full chunks and a short one
  const ids = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 2 ** 53 - 1 - i : -i));
  const values = Float64Array.from({ length: n }, (_, i) => i / 7);
  await handle.write((tx) => tx.append('t', [new Repeated('acme'), new Repeated('a rather long dataset name'), ids, values]));
  await handle.write((tx) => tx.append('t', [new Repeated('other'), new Repeated('d'), [1], [0.5]]));
  const rows = await handle.read('SELECT tenant, dataset, id::VARCHAR AS id, v FROM t ORDER BY rowid');
  assert.equal(rows.length, n + 1);
  rows.slice(0, n).forEach((row, i) => {
    assert.deepEqual(row, { tenant: 'acme', dataset: 'a rather long dataset name', id: String(ids[i]), v: values[i] }, `row ${i}`);
  });
  assert.deepEqual(rows[n], { tenant: 'other', dataset: 'd', id: '1', v: 0.5 });
  await assert.rejects(handle.write((tx) => tx.append('t', [new Repeated('a'), new Repeated('b'), new Repeated(1), new Repeated(2)])), /at least one column/);
});

test('onCommit callbacks run after the commit, and never for a write rolled back', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, i INTEGER)'));
  const seen: string[] = [];
  await handle.write(async (tx) => {
    tx.onCommit(() => seen.push('committed'));
    await tx.run(`INSERT INTO t VALUES ('a', 1)`);
    seen.push('before commit');
  });
  await assert.rejects(
    handle.write(async (tx) => {
      tx.onCommit(() => seen.push('rolled back'));
      await tx.run(`INSERT INTO t VALUES ('a', 2)`);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(seen, ['before commit', 'committed']);
});

test('a large append gives the event loop a turn every 32 chunks of 2,048 rows, and stores every row', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (id BIGINT, v DOUBLE)');
  const appender = await connection.createAppender('t');
  // What happened, in order: a chunk appended, or a turn of the event loop.
  const log: ('chunk' | 'turn')[] = [];
  const logged = new Proxy(appender, {
    get: (target, key) =>
      key === 'appendDataChunk' ? (chunk: Parameters<typeof appender.appendDataChunk>[0]) => (log.push('chunk'), target.appendDataChunk(chunk)) : Reflect.get(target, key, target),
  });
  const rows = 300_000;
  const ids = Array.from({ length: rows }, (_, i) => i);
  let running = true;
  const tick = () => {
    log.push('turn');
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await appendChunks(logged, [appender.columnType(0), appender.columnType(1)], [ids, Float64Array.from(ids, (i) => i / 2)], 0, rows);
  running = false;
  appender.closeSync();
  const runs = log.join(' ').split('turn').map((run) => run.trim().split(' ').filter(Boolean).length);
  assert.equal(log.filter((e) => e === 'chunk').length, Math.ceil(rows / 2048));
  assert.equal(Math.max(...runs), 32, `chunks between turns: ${runs.join(', ')}`);
  const [[count, sum]] = (await connection.runAndReadAll('SELECT count(*)::DOUBLE, sum(v) FROM t')).getRows() as [[number, number]];
  assert.deepEqual([count, sum], [rows, ((rows - 1) * rows) / 4]);
  connection.closeSync();
  instance.closeSync();
});

test('an append does not hold the event loop while another connection checkpoints', async (t) => {
  const { handle } = await tempHandle(t, { checkpoint_threshold: '1GB' });
  await handle.write((tx) => tx.run('CREATE TABLE t (id BIGINT, v DOUBLE)'));
  // Another writer (the intake's, say) commits many small writes, then checkpoints them: a while.
  const other = await handle.openWriter();
  await other.write((tx) => tx.run('CREATE TABLE log (id BIGINT, v DOUBLE, s VARCHAR)'));
  for (let i = 0; i < 200; i++) {
    await other.write((tx) => tx.run(`INSERT INTO log SELECT range, random(), 'row ' || range FROM range(${i * 20_000}, ${(i + 1) * 20_000})`));
  }
  const started = performance.now();
  const checkpoint = other.write((tx) => tx.run('CHECKPOINT')).then(() => performance.now() - started);
  // The longest wait of a 5 ms timer while the checkpoint runs and this writer appends.
  let longestWait = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    longestWait = Math.max(longestWait, performance.now() - last);
    last = performance.now();
  }, 5);
  // Once the checkpoint holds its lock (it starts within a few ms), this writer appends.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const ids = Array.from({ length: 20_000 }, (_, i) => i);
  await handle.write((tx) => tx.append('t', [ids, Float64Array.from(ids, (i) => i / 2)]));
  const checkpointMs = await checkpoint;
  clearInterval(timer);
  // Appended straight into the table, the appender's flush waited on the main thread for the rest of the checkpoint.
  assert.ok(longestWait < checkpointMs / 2, `the event loop waited ${longestWait.toFixed(0)} ms during a checkpoint of ${checkpointMs.toFixed(0)} ms`);
  const [row] = await handle.read('SELECT count(*)::DOUBLE AS n, sum(v) AS s FROM t');
  assert.deepEqual(row, { n: ids.length, s: ((ids.length - 1) * ids.length) / 4 });
});

test('an append larger than one batch of the temporary table stores every row once, and leaves the temporary table empty', async (t) => {
  const { handle } = await tempHandle(t);
  await handle.write((tx) => tx.run('CREATE TABLE t (tenant VARCHAR, id BIGINT, v DOUBLE)'));
  const rows = 1_100_000; // three batches of at most 524,288 rows
  const ids = Array.from({ length: rows }, (_, i) => i);
  const staged = await handle.write(async (tx) => {
    await tx.append('t', [new Repeated('a'), ids, Float64Array.from(ids, (i) => i / 2)]);
    return tx.read('SELECT count(*)::DOUBLE AS n FROM temp.main.appending_t');
  });
  assert.deepEqual(staged, [{ n: 0 }]);
  const [row] = await handle.read(`SELECT count(*)::DOUBLE AS n, count(DISTINCT id)::DOUBLE AS ids, sum(v) AS s, min(tenant) AS tenant FROM t`);
  assert.deepEqual(row, { n: rows, ids: rows, s: ((rows - 1) * rows) / 4, tenant: 'a' });
});
