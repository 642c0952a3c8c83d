import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Series, TimeRange } from '@sextant/core';
import { seriesKey } from '@sextant/core';
import { createLogger } from '../log.js';
import { type DatasetDefinition, type MetricsSource, SourceError } from '../sources/metrics-source.js';
import type { IngestRun, Warehouse } from '../warehouse/warehouse.js';
import { backfill, createIngestJob } from './ingest.js';

const M = 60_000;
const H = 60 * M;
const quiet = createLogger('error', () => {});

/** The part of the Warehouse contract ingest relies on, in memory. */
function fakeWarehouse() {
  const points = new Map<string, number>(); // `${tenant}|${dataset}|${series}|${t}` -> v
  const watermarks = new Map<string, number>();
  const runs: IngestRun[] = [];
  let failNextReplace = false;
  const warehouse = {
    async replaceWindow(tenant: string, dataset: string, window: TimeRange, series: Series[]) {
      if (failNextReplace) {
        failNextReplace = false;
        throw new Error('disk full');
      }
      for (const key of [...points.keys()]) {
        const [kt, kd, , kt2] = key.split('|');
        const t = Number(kt2);
        if (kt === tenant && kd === dataset && t >= window.start && t < window.end) points.delete(key);
      }
      let rows = 0;
      for (const s of series) {
        for (const { t, v } of s.samples) {
          if (t < window.start || t >= window.end) continue;
          points.set(`${tenant}|${dataset}|${seriesKey(s.labels)}|${t}`, v);
          rows += 1;
        }
      }
      const key = `${tenant}|${dataset}`;
      watermarks.set(key, Math.max(watermarks.get(key) ?? -Infinity, window.end));
      return rows;
    },
    async watermark(tenant: string, dataset: string) {
      return watermarks.get(`${tenant}|${dataset}`);
    },
    async recordIngestRun(run: IngestRun) {
      runs.push(run);
    },
  };
  return {
    warehouse: warehouse as unknown as Warehouse,
    points,
    runs,
    failReplaceOnce: () => (failNextReplace = true),
    timestamps: (dataset: string) =>
      [...points.keys()].filter((k) => k.split('|')[1] === dataset).map((k) => Number(k.split('|')[3])).sort((a, b) => a - b),
  };
}

/** A source with one series per dataset, value = t / 1000, that can be told to fail. */
function fakeSource() {
  const failing = new Set<string>();
  const calls: Array<{ dataset: string; range: TimeRange }> = [];
  const source: MetricsSource = {
    name: 'fake',
    async queryRange(dataset: DatasetDefinition, range: TimeRange): Promise<Series[]> {
      calls.push({ dataset: dataset.name, range });
      if (failing.has(dataset.name)) {
        const error = new SourceError('fake', 'HTTP 503 (unavailable)', true) as SourceError & { reason: string };
        error.reason = 'http_5xx';
        throw error;
      }
      const samples = [];
      for (let t = Math.ceil(range.start / dataset.stepMs) * dataset.stepMs; t < range.end; t += dataset.stepMs) samples.push({ t, v: t / 1000 });
      return [{ labels: { job: 'x' }, samples }];
    },
  };
  return { source, failing, calls };
}

const dataset = (name: string): DatasetDefinition => ({ name, tenant: 'default', query: name, keepLabels: ['job'], stepMs: M });

function setup(start: number) {
  const store = fakeWarehouse();
  const src = fakeSource();
  const registry = new Registry();
  let clock = start;
  const job = createIngestJob({
    warehouse: store.warehouse,
    source: src.source,
    datasets: [dataset('a'), dataset('b')],
    registry,
    log: quiet,
    now: () => clock,
    intervalMs: M,
    delayMs: M,
    initialLookbackMs: 3 * H,
    windowMs: H,
  });
  return { ...store, ...src, registry, job, advance: (ms: number) => (clock += ms), signal: new AbortController().signal };
}

const contiguous = (ts: number[]) => ts.every((t, i) => i === 0 || t - ts[i - 1]! === M);

test('the first run pulls the initial lookback up to now minus the delay, in windows, recording each', async () => {
  const start = 100 * H + 30_000;
  const s = setup(start);
  await s.job.run(s.signal);
  const ts = s.timestamps('a');
  assert.equal(ts[0], 97 * H);
  assert.equal(ts.at(-1), 100 * H - 2 * M);
  assert.equal(ts.length, 3 * 60 - 1);
  assert.ok(contiguous(ts));
  assert.deepEqual(s.runs.filter((r) => r.dataset === 'a').map((r) => [r.window.start, r.window.end, r.status, r.rows]), [
    [97 * H, 98 * H, 'ok', 60],
    [98 * H, 99 * H, 'ok', 60],
    [99 * H, 100 * H - M, 'ok', 59],
  ]);
  const text = await s.registry.metrics();
  assert.match(text, /sextant_ingest_rows_total\{dataset="a"\} 179/);
  assert.match(text, /sextant_ingest_lag_seconds\{dataset="a"\} 90/);
  assert.match(text, /sextant_ingest_duration_seconds_count\{dataset="a"\} 3/);
});

test('later runs resume at the watermark: no gap, no duplicate', async () => {
  const s = setup(100 * H);
  await s.job.run(s.signal);
  s.advance(7 * M + 10_000);
  await s.job.run(s.signal);
  s.advance(50_000);
  await s.job.run(s.signal);
  const ts = s.timestamps('b');
  assert.ok(contiguous(ts));
  assert.equal(ts.at(-1), 100 * H + 6 * M);
  assert.deepEqual(s.calls.filter((c) => c.dataset === 'b').slice(3).map((c) => [c.range.start, c.range.end]), [
    [100 * H - M, 100 * H],
    [100 * H, 100 * H + 6 * M],
    [100 * H + 6 * M, 100 * H + 7 * M],
  ]);
});

test('a failing source stops its dataset at the watermark, counts the error, and the next run retries', async () => {
  const s = setup(100 * H);
  s.failing.add('a');
  await s.job.run(s.signal);
  assert.deepEqual(s.timestamps('a'), []);
  assert.equal(s.timestamps('b').length, 3 * 60 - 1, 'the other dataset carries on');
  const failed = s.runs.filter((r) => r.dataset === 'a');
  assert.equal(failed.length, 1, 'no later window is tried after a failed one');
  assert.equal(failed[0]!.status, 'error');
  assert.match(failed[0]!.error!, /HTTP 503/);
  assert.match(await s.registry.metrics(), /sextant_ingest_errors_total\{dataset="a",reason="http_5xx"\} 1/);

  const lagOf = async (dataset: string) => Number(new RegExp(`sextant_ingest_lag_seconds\\{dataset="${dataset}"\\} (\\S+)`).exec(await s.registry.metrics())?.[1]);
  const bLag = await lagOf('b');
  assert.equal(bLag, 60);
  s.advance(5 * M);
  assert.equal(await lagOf('b'), bLag + 300, 'lag grows with the clock between runs');

  s.failing.delete('a');
  await s.job.run(s.signal);
  const ts = s.timestamps('a');
  assert.equal(ts[0], 97 * H + 5 * M, 'still a first run: no watermark yet');
  assert.ok(contiguous(ts));
  assert.equal(ts.at(-1), 100 * H + 3 * M);
});

test('a failing warehouse write is an error run with reason warehouse, and the window is retried', async () => {
  const s = setup(100 * H);
  s.failReplaceOnce();
  await s.job.run(s.signal);
  assert.equal(s.runs[0]!.status, 'error');
  assert.match(s.runs[0]!.error!, /warehouse: disk full/);
  assert.match(await s.registry.metrics(), /sextant_ingest_errors_total\{dataset="a",reason="warehouse"\} 1/);
  // Backing off: a run before the interval has passed since the failure does nothing.
  const runs = s.runs.length;
  s.advance(M - 1);
  await s.job.run(s.signal);
  assert.equal(s.runs.length, runs, 'no attempt while backing off');
  s.advance(1);
  await s.job.run(s.signal);
  assert.ok(contiguous(s.timestamps('a')));
  assert.equal(s.timestamps('a')[0], 97 * H + M, 'still a first run: no watermark yet');
});

test('while the warehouse keeps failing, each attempt waits twice as long as the one before, up to five minutes', async () => {
  const s = setup(100 * H);
  await s.job.run(s.signal);
  const before = s.timestamps('a').length;
  let down = true;
  const attempts: number[] = [];
  const { watermark } = s.warehouse;
  s.warehouse.watermark = async (...args) => {
    if (args[1] === 'a') attempts.push(s.advance(0));
    if (down) throw new Error('connect ECONNREFUSED');
    return watermark.apply(s.warehouse, args);
  };
  for (let minute = 0; minute < 25; minute++, s.advance(M)) await s.job.run(s.signal);
  assert.deepEqual(attempts.slice(1).map((t, i) => (t - attempts[i]!) / M), [1, 2, 4, 5, 5, 5]);
  assert.equal(s.timestamps('a').length, before);
  down = false;
  for (let minute = 0; minute < 5; minute++, s.advance(M)) await s.job.run(s.signal);
  const ts = s.timestamps('a');
  assert.ok(contiguous(ts), 'resumed from the watermark once the warehouse is back: no gap, no duplicate');
  assert.equal(ts[0], 97 * H);
  assert.equal(ts.at(-1), s.advance(0) - 2 * M - M, 'caught up to now minus the delay');
});

test('an aborted run stops between windows and records nothing for the window it did not do', async () => {
  const s = setup(100 * H);
  const controller = new AbortController();
  controller.abort();
  await s.job.run(controller.signal);
  assert.equal(s.runs.length, 0);
});

test('backfill replaces an ingested range and stretches back to the watermark rather than leave a gap', async () => {
  const s = setup(100 * H);
  await s.job.run(s.signal); // watermark at 100h - 1m
  const before = s.timestamps('a').length;
  const again = await backfill({
    warehouse: s.warehouse,
    source: s.source,
    datasets: [dataset('a')],
    log: quiet,
    now: () => 100 * H,
    range: { start: 98 * H, end: 200 * H },
    delayMs: M,
    windowMs: H,
  });
  assert.equal(s.timestamps('a').length, before, 'replaced, not duplicated');
  assert.equal(again.rows, 2 * 60 - 1);
  assert.deepEqual(again.failed, []);

  const later = await backfill({
    warehouse: s.warehouse,
    source: s.source,
    datasets: [dataset('a')],
    log: quiet,
    now: () => 110 * H,
    range: { start: 105 * H, end: 110 * H },
    delayMs: 0,
    windowMs: H,
    onPlan: (plans) => assert.equal(plans[0]!.extendedToWatermark, true),
  });
  assert.equal(later.windows, 11);
  const ts = s.timestamps('a');
  assert.ok(contiguous(ts));
  assert.equal(ts.at(-1), 110 * H - M);
});
