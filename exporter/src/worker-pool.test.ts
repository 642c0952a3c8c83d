import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { test } from 'node:test';
import { analyseAlerts, type AlertInstance } from '@sextant/core/alerts';
import ExcelJS from 'exceljs';
import type { Report } from '@sextant/core/reports';
import { WORKER_NICENESS, WorkerPool, WorkerTaskError } from './worker-pool.js';

const analyse = { module: '@sextant/core/alerts', name: 'analyseAlerts' };
const MINUTE = 60_000;

function instances(n: number): AlertInstance[] {
  return Array.from({ length: n }, (_, i) => ({
    fingerprint: `fp-${i % 7}`,
    alertname: `Rule${i % 3}`,
    service: `svc-${i % 2}`,
    severity: i % 2 ? 'critical' : 'warning',
    startsAtMs: i * 10 * MINUTE,
    endsAtMs: i % 9 === 0 ? null : i * 10 * MINUTE + 4 * MINUTE,
    silenced: i % 5 === 0,
    inhibited: false,
    hasRunbook: i % 3 !== 0,
  }));
}

test('a core function runs in a worker and answers what it answers in this thread; tasks queue behind one worker', async (t) => {
  const pool = new WorkerPool({ size: 1 });
  t.after(() => pool.close());
  const inputs = [instances(50), instances(500), instances(5)];
  const answers = await Promise.all(inputs.map((list) => pool.run(analyse, [list, 0, 6000 * MINUTE, 6000 * MINUTE])));
  inputs.forEach((list, i) => assert.deepEqual(answers[i], analyseAlerts(list, 0, 6000 * MINUTE, 6000 * MINUTE)));
  assert.equal((answers[1] as { total: { count: number } }).total.count, 500);
});

test("a core function's error reaches the caller with its message and name, and the worker serves the next task", async (t) => {
  const pool = new WorkerPool();
  t.after(() => pool.close());
  const error = await pool.run({ module: '@sextant/core/predict', name: 'trainPredictor' }, [[], [], { start: 0, end: 1 }, 1, { version: 1, horizonMs: 1, windowMs: 1, stepMs: 1, severities: ['critical'], testFraction: 0.25, forest: {} }]).then(
    () => assert.fail('trained on nothing'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkerTaskError);
  assert.equal(error.errorName, 'NotEnoughDataError');
  await assert.rejects(pool.run({ module: '@sextant/core/alerts', name: 'noSuchFunction' }, []), /exports no function noSuchFunction/);
  assert.equal(((await pool.run(analyse, [instances(3), 0, 100 * MINUTE, 100 * MINUTE])) as { total: { count: number } }).total.count, 3);
});

test('aborting a task rejects it at once and ends its worker; a task already aborted never starts; the pool goes on', async (t) => {
  const pool = new WorkerPool();
  t.after(() => pool.close());
  const controller = new AbortController();
  const running = pool.run(analyse, [instances(20_000), 0, 300_000 * MINUTE, 300_000 * MINUTE], controller.signal);
  controller.abort();
  await assert.rejects(running, /analyseAlerts aborted/);
  await assert.rejects(pool.run(analyse, [[], 0, 1, 1], controller.signal), /aborted/);
  assert.equal(((await pool.run(analyse, [instances(4), 0, 100 * MINUTE, 100 * MINUTE])) as { total: { count: number } }).total.count, 4);
});

test("a function of the service, given by its file's URL, runs in a worker and its promise is awaited there", async (t) => {
  const pool = new WorkerPool();
  t.after(() => pool.close());
  const report: Report = {
    tenant: 't1', period: 'daily', range: { start: 0, end: 86_400_000 }, generatedAt: 86_400_000, partial: false, summary: ['One service.'],
    tables: [{ name: 'services', emptyText: 'no services', columns: [{ key: 'service', label: 'Service', kind: 'text' }], rows: [{ service: 'api' }] }],
  } as unknown as Report;
  const file = await pool.run<Uint8Array>({ module: new URL('./reports/render-xlsx.js', import.meta.url).href, name: 'renderXlsx' }, [report]);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  assert.deepEqual(book.worksheets.map((s) => s.name), ['Summary', 'services']);
  assert.equal(book.getWorksheet('services')!.getCell(2, 1).value, 'api');
});

test('a closed pool refuses tasks', async () => {
  const pool = new WorkerPool();
  await pool.close();
  await assert.rejects(pool.run(analyse, [[], 0, 1, 1]), /closed/);
});

test('on Linux the workers run at a lower priority than the event loop, which keeps its own', async (t) => {
  const before = getPriority(0);
  const pool = new WorkerPool();
  t.after(() => pool.close());
  const inWorker = await pool.run<number>({ module: 'node:os', name: 'getPriority' }, [0]);
  // Elsewhere a process has one nice value, left alone.
  assert.equal(inWorker, process.platform === 'linux' ? Math.max(before, WORKER_NICENESS) : before);
  assert.equal(getPriority(0), before);
});
