// The reading connections against a real DuckDB database: a request's read does not wait for a
// job's long read nor behind other requests' slow reads, jobs read on one connection at a time, requests go first when a
// connection frees, and afterReads waits only for the reads started before it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createScheduler } from '../jobs/scheduler.js';
import { createLogger } from '../log.js';
import { DuckDbHandle, type ReadSession } from './duckdb-handle.js';
import { asRequest, inBackground } from './reader-pool.js';

/** Every gate made, opened when a test ends, so that a failed test leaves no read holding its connection. */
const gates = new Set<() => void>();

function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.add(open);
  return { opened, open };
}

async function openHandle(t: { after(fn: () => unknown): void }, readers?: number): Promise<DuckDbHandle> {
  const handle = await DuckDbHandle.open(':memory:', readers === undefined ? {} : { readers });
  await handle.write((tx) => tx.run('CREATE TABLE t AS SELECT i FROM range(100000) r(i)'));
  t.after(() => {
    for (const open of gates) open();
    return handle.close();
  });
  return handle;
}

/** A read session that has read, and holds its connection until `until` resolves. */
function heldSession(handle: DuckDbHandle, until: Promise<void>, log: string[], name: string): { started: Promise<void>; done: Promise<number> } {
  const started = gate();
  const done = handle.readSession(async (session: ReadSession) => {
    const [row] = await session.read('SELECT count(*) AS n FROM t');
    log.push(`${name} started`);
    started.open();
    await until;
    return Number(row!.n);
  });
  void done.then(() => log.push(`${name} done`));
  return { started: started.opened, done };
}

test("a request's read is answered while a job's long read holds its connection, and a job's second read waits for it", async (t) => {
  const handle = await openHandle(t);
  const log: string[] = [];
  const job = gate();
  const longRead = inBackground(async () => heldSession(handle, job.opened, log, 'job read'));
  const { started, done } = await longRead;
  await started;
  const secondJobRead = inBackground(() => handle.read('SELECT sum(i) AS s FROM t'));
  void secondJobRead.then(() => log.push('second job read done'));

  const [answer] = await handle.read('SELECT max(i) AS m FROM t');
  log.push('request read done');
  assert.equal(answer!.m, 99_999);
  assert.deepEqual(log, ['job read started', 'request read done'], 'the second job read must not take the connection kept for requests');

  job.open();
  assert.equal(await done, 100_000);
  assert.equal((await secondJobRead)[0]!.s, (99_999 * 100_000) / 2);
  assert.deepEqual(log, ['job read started', 'request read done', 'job read done', 'second job read done']);
});

test("a read that background work starts as a request's (a job's write refreshing answers) does not wait for the job's long read", async (t) => {
  const handle = await openHandle(t);
  const log: string[] = [];
  const job = gate();
  const { started, done } = await inBackground(async () => heldSession(handle, job.opened, log, 'job read'));
  await started;
  const refresh = inBackground(() => asRequest(() => handle.read('SELECT max(i) AS m FROM t')));
  const plain = inBackground(() => handle.read('SELECT min(i) AS m FROM t'));
  void plain.then(() => log.push('job read of its own done'));
  assert.equal((await refresh)[0]!.m, 99_999);
  log.push('refresh done');
  job.open();
  await done;
  await plain;
  assert.deepEqual(log, ['job read started', 'refresh done', 'job read done', 'job read of its own done']);
});

test("while a job reads, two requests' slow reads hold connections and a third request is still answered at once", async (t) => {
  const handle = await openHandle(t);
  const log: string[] = [];
  const release = gate();
  const job = await inBackground(async () => heldSession(handle, release.opened, log, 'job read'));
  await job.started;
  const slow = [];
  for (const name of ['slow request 1', 'slow request 2']) {
    slow.push(heldSession(handle, release.opened, log, name));
    await slow.at(-1)!.started;
  }
  const [answer] = await handle.read('SELECT max(i) AS m FROM t');
  log.push('request read done');
  assert.equal(answer!.m, 99_999);
  assert.deepEqual(log, ['job read started', 'slow request 1 started', 'slow request 2 started', 'request read done']);
  release.open();
  assert.deepEqual(await Promise.all([job.done, ...slow.map((s) => s.done)]), [100_000, 100_000, 100_000]);
});

test('when a connection frees, a waiting request gets it before a job that waited longer', async (t) => {
  const handle = await openHandle(t, 2);
  const log: string[] = [];
  const second = gate();
  const third = gate();
  const sessions = [heldSession(handle, second.opened, log, 'request A'), heldSession(handle, third.opened, log, 'request B')];
  await Promise.all(sessions.map((s) => s.started));
  const jobRead = inBackground(() => handle.read('SELECT 1 AS x'));
  void jobRead.then(() => log.push('waiting job read done'));
  const requestRead = handle.read('SELECT 2 AS x');
  void requestRead.then(() => log.push('waiting request read done'));

  third.open();
  assert.deepEqual(await requestRead, [{ x: 2 }]);
  second.open();
  assert.deepEqual(await jobRead, [{ x: 1 }]);
  await Promise.all(sessions.map((s) => s.done));
  const ended = log.slice(2);
  assert.deepEqual(ended.slice(0, 2), ['request B done', 'waiting request read done']);
  // The job then reads on the connection the request's read freed, at the same time as request A ends.
  assert.deepEqual(ended.slice(2).sort(), ['request A done', 'waiting job read done']);
});

test('afterReads runs once the reads started before it end, and a read started after it does not wait for them', async (t) => {
  const handle = await openHandle(t);
  const log: string[] = [];
  const release = gate();
  const earlier = heldSession(handle, release.opened, log, 'earlier read');
  await earlier.started;
  const after = handle.afterReads(async () => {
    log.push('after reads');
    return 'ran';
  });
  await handle.read('SELECT 1');
  log.push('later read done');
  assert.deepEqual(log, ['earlier read started', 'later read done']);
  release.open();
  assert.equal(await after, 'ran');
  assert.deepEqual(log, ['earlier read started', 'later read done', 'earlier read done', 'after reads']);
});

test('jobs run by the scheduler read in the background: two of them never hold both reading connections', async (t) => {
  const handle = await openHandle(t);
  const log: string[] = [];
  const release = gate();
  const firstStarted = gate();
  const jobs = ['first', 'second'].map((name) => ({
    name,
    intervalMs: 60_000,
    async run() {
      if (name === 'second') await firstStarted.opened;
      const session = heldSession(handle, release.opened, log, name);
      if (name === 'first') void session.started.then(firstStarted.open);
      await session.done;
    },
  }));
  const scheduler = createScheduler({ jobs, registry: new Registry(), log: createLogger('error') });
  scheduler.start();
  await firstStarted.opened;
  const [row] = await handle.read('SELECT count(*) AS n FROM t');
  log.push('request read done');
  assert.equal(row!.n, 100_000);
  assert.deepEqual(log, ['first started', 'request read done']);
  release.open();
  await scheduler.stop();
  assert.deepEqual(log.slice(2), ['first done', 'second started', 'second done']);
});
