// Ingest against Debian's real Prometheus: known history written into its TSDB with promtool, a live
// target it scrapes every second, and Sextant's DuckDB warehouse on disk. What ingest stores must
// equal what PromQL answers over the same windows, across restarts of Sextant and crashes of
// Prometheus, with no gap and no duplicate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createIngestJob } from '../exporter/src/jobs/ingest.js';
import { createLogger } from '../exporter/src/log.js';
import { defaultDatasets } from '../exporter/src/sources/default-datasets.js';
import type { DatasetDefinition, MetricsSource } from '../exporter/src/sources/metrics-source.js';
import { createPrometheusSource } from '../exporter/src/sources/prometheus-source.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { knownHistory, toOpenMetrics } from './support/history.js';
import { assertNoGapNoDuplicate, assertPointsMatchPromQL, assertRollupsMatchPromQL, storedPoints } from './support/ingest-check.js';
import { promQueryRange, startPrometheus, type RunningPrometheus } from './support/prometheus.js';

const M = 60_000;
const H = 60 * M;
const quiet = createLogger('error', () => {});
// Four whole hours of history, ending at least an hour ago.
const historyStart = Math.floor((Date.now() - 5 * H) / H) * H;
const historyEnd = historyStart + 4 * H;

const gauge: DatasetDefinition = { name: 'gauge', tenant: 'default', query: 'test_value', keepLabels: ['series'], stepMs: M };
const rate: DatasetDefinition = { name: 'rate', tenant: 'default', query: 'rate(test_requests_total[2m])', keepLabels: ['series'], stepMs: M };

let prometheus: RunningPrometheus;
let live: Server;
let liveValue = 0;
let dir: string;

before(async () => {
  live = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE live_value gauge\nlive_value ${liveValue}\n`);
  });
  await new Promise<void>((resolve) => live.listen(0, '127.0.0.1', resolve));
  prometheus = await startPrometheus({
    history: toOpenMetrics(knownHistory(historyStart, historyEnd)),
    targets: [`127.0.0.1:${(live.address() as AddressInfo).port}`],
  });
  dir = await mkdtemp(join(tmpdir(), 'sextant-ingest-'));
});

after(async () => {
  await prometheus?.dispose();
  await new Promise((resolve) => live?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
const openWarehouse = (path = join(dir, `w${(files += 1)}.duckdb`)): Promise<DuckDbWarehouse> =>
  openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });

function job(warehouse: DuckDbWarehouse, source: MetricsSource, now: number, options: { windowMs?: number; registry?: Registry } = {}) {
  return createIngestJob({
    warehouse,
    source,
    datasets: [gauge, rate],
    registry: options.registry ?? new Registry(),
    log: quiet,
    now: () => now,
    intervalMs: M,
    delayMs: M,
    // Reaches back before the history: PromQL answers nothing there, so nothing is stored.
    initialLookbackMs: 5 * H,
    windowMs: options.windowMs ?? H,
  });
}

const signal = new AbortController().signal;
const source = () => createPrometheusSource({ url: prometheus.url, retries: 1, backoffMs: 10, timeoutMs: 5_000 });

test('ingested points and their 5m and 1h rollups equal what PromQL answers over the same windows', async () => {
  const warehouse = await openWarehouse();
  try {
    await job(warehouse, source(), historyEnd + M).run(signal);
    for (const dataset of [gauge, rate]) {
      const points = await assertPointsMatchPromQL(warehouse, prometheus.url, dataset, historyStart, historyEnd);
      assert.ok(points >= 2 * 4 * 60 - 2 || dataset === rate, `${dataset.name}: ${points} points`);
      await assertNoGapNoDuplicate(warehouse, dataset.name, dataset.stepMs);
    }
    const rateSeries = await storedPoints(warehouse, 'rate');
    assert.ok([...rateSeries.values()][0]!.length > 200, 'the counter reset is stored as PromQL rates it, not as a hole');
    await warehouse.rollup();
    for (const dataset of [gauge, rate]) {
      assert.ok((await assertRollupsMatchPromQL(warehouse, prometheus.url, dataset, '5m', historyStart, historyEnd)) > 0);
      assert.ok((await assertRollupsMatchPromQL(warehouse, prometheus.url, dataset, '1h', historyStart, historyEnd)) > 0);
    }
    const runs = await warehouse.listIngestRuns('default', 100);
    assert.equal(runs.length, 10, '5 one-hour windows per dataset');
    assert.ok(runs.every((r) => r.status === 'ok'));
  } finally {
    await warehouse.close();
  }
});

test('Sextant restarted halfway resumes from the watermark: no gap, no duplicate', async () => {
  const path = join(dir, 'restart.duckdb');
  const first = await openWarehouse(path);
  await job(first, source(), historyStart + 2 * H + 17 * M, { windowMs: 25 * M }).run(signal);
  const watermark = await first.watermark('default', 'gauge');
  assert.equal(watermark, historyStart + 2 * H + 16 * M);
  await first.close();

  const second = await openWarehouse(path);
  try {
    await job(second, source(), historyEnd + M, { windowMs: 25 * M }).run(signal);
    for (const dataset of [gauge, rate]) {
      await assertNoGapNoDuplicate(second, dataset.name, dataset.stepMs);
      await assertPointsMatchPromQL(second, prometheus.url, dataset, historyStart, historyEnd);
    }
  } finally {
    await second.close();
  }
});

test('Prometheus killed mid-ingest and restarted: an error run, then a catch-up with no gap and no duplicate', async () => {
  const warehouse = await openWarehouse();
  const registry = new Registry();
  const real = source();
  let calls = 0;
  let down = false;
  const killing: MetricsSource = {
    name: 'prometheus',
    async queryRange(dataset, range, abort) {
      calls += 1;
      if (calls === 5) {
        down = true;
        await prometheus.kill();
      }
      return real.queryRange(dataset, range, abort);
    },
  };
  try {
    const ingest = job(warehouse, killing, historyEnd + M, { windowMs: 20 * M, registry });
    await ingest.run(signal);
    const runs = await warehouse.listIngestRuns('default', 100);
    const failed = runs.filter((r) => r.status === 'error');
    assert.equal(failed.length, 2, 'each dataset stops at its first failed window');
    assert.match(failed[0]!.error!, /cannot reach .* \(ECONNREFUSED\)/);
    const lastOk = runs.find((r) => r.dataset === 'gauge' && r.status === 'ok')!;
    const gaugeFailure = failed.find((r) => r.dataset === 'gauge')!;
    assert.equal(await warehouse.watermark('default', 'gauge'), lastOk.window.end, 'the watermark stays at the last stored window');
    assert.equal(gaugeFailure.window.start, lastOk.window.end, 'the failed window is the next one');
    assert.match(await registry.metrics(), /sextant_ingest_errors_total\{dataset="gauge",reason="network"\} 1/);

    await prometheus.start();
    down = false;
    await ingest.run(signal);
    for (const dataset of [gauge, rate]) {
      await assertNoGapNoDuplicate(warehouse, dataset.name, dataset.stepMs);
      await assertPointsMatchPromQL(warehouse, prometheus.url, dataset, historyStart, historyEnd);
    }
  } finally {
    if (down) await prometheus.start();
    await warehouse.close();
  }
});

test('live scrapes at 1s are ingested at a 1s step as PromQL answers them', async () => {
  const ticker = setInterval(() => (liveValue += 1.5), 250);
  try {
    // Wait until Prometheus holds 12 seconds of live samples: then every step of the compared window
    // comes after the first sample and has a value.
    for (let i = 0; i < 240; i += 1) {
      const [series] = await promQueryRange(prometheus.url, 'count_over_time(live_value[12s])', Date.now(), Date.now(), 1000);
      if (Number(series?.values[0]?.[1] ?? 0) >= 12) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    clearInterval(ticker);
  }
  const now = Date.now();
  const dataset: DatasetDefinition = { name: 'live', tenant: 'default', query: 'live_value', keepLabels: ['job'], stepMs: 1000 };
  const warehouse = await openWarehouse();
  try {
    const ingest = createIngestJob({
      warehouse,
      source: source(),
      datasets: [dataset],
      registry: new Registry(),
      log: quiet,
      now: () => now,
      intervalMs: 1000,
      delayMs: 2000,
      initialLookbackMs: 10_000,
      windowMs: 3000,
    });
    await ingest.run(signal);
    const end = Math.floor((now - 2000) / 1000) * 1000;
    const points = await assertPointsMatchPromQL(warehouse, prometheus.url, dataset, end - 8000, end);
    assert.equal(points, 8);
    await assertNoGapNoDuplicate(warehouse, 'live', 1000);
  } finally {
    await warehouse.close();
  }
});

test("every query of the default pack is valid PromQL for Prometheus' own parser", async () => {
  const datasets = defaultDatasets('default');
  const result = await Promise.all(datasets.map((d) => source().queryRange(d, { start: historyStart, end: historyStart + 5 * M })));
  assert.equal(result.length, datasets.length);
});
