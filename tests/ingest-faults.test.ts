// A slow or garbage-returning Prometheus: a small proxy in front of the real one misbehaves in the
// ways proxies and overloaded servers do. Each must end as a clear error ingest run and an error
// metric, with the dataset held at its watermark, and the next run must catch up: never a crash.
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
import type { DatasetDefinition } from '../exporter/src/sources/metrics-source.js';
import { createPrometheusSource } from '../exporter/src/sources/prometheus-source.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { knownHistory, toOpenMetrics } from './support/history.js';
import { assertNoGapNoDuplicate, assertPointsMatchPromQL } from './support/ingest-check.js';
import { startPrometheus, type RunningPrometheus } from './support/prometheus.js';

const M = 60_000;
const H = 60 * M;
const historyStart = Math.floor((Date.now() - 3 * H) / H) * H;
const historyEnd = historyStart + H;
const dataset: DatasetDefinition = { name: 'gauge', tenant: 'default', query: 'test_value', keepLabels: ['series'], stepMs: M };

type Mode = 'pass' | 'slow' | 'http_500' | 'truncated' | 'wrong_types' | 'html';

let prometheus: RunningPrometheus;
let proxy: Server;
let proxyUrl: string;
let mode: Mode = 'pass';
let requests = 0;
let dir: string;

before(async () => {
  prometheus = await startPrometheus({ history: toOpenMetrics(knownHistory(historyStart, historyEnd)) });
  proxy = createServer((req, res) => {
    requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (mode === 'http_500') {
        res.statusCode = 500;
        res.end('internal error: the storage is on fire');
        return;
      }
      if (mode === 'html') {
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      // Never answers: only the source's timeout ends the call, however slow the machine is.
      if (mode === 'slow') return;
      const upstream = await fetch(`${prometheus.url}${req.url}`, {
        method: req.method,
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      }).catch(() => undefined);
      if (res.destroyed) return;
      if (!upstream) {
        res.statusCode = 502;
        res.end('upstream gone');
        return;
      }
      let text = await upstream.text();
      if (mode === 'truncated') text = text.slice(0, Math.floor(text.length / 2));
      if (mode === 'wrong_types') text = text.replace(/"(-?[0-9.e+-]+)"\]/g, '$1]');
      res.statusCode = upstream.status;
      res.setHeader('content-type', 'application/json');
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'sextant-faults-'));
});

after(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await prometheus?.dispose();
  await rm(dir, { recursive: true, force: true });
});

const cases: Array<{ mode: Mode; reason: string; message: RegExp; attempts: number }> = [
  { mode: 'slow', reason: 'timeout', message: /no answer within 2000 ms to the query "test_value" of dataset "gauge" over .* \(after 2 attempts\)/, attempts: 2 },
  { mode: 'http_500', reason: 'http_5xx', message: /HTTP 500 \("internal error: the storage is on fire"\) for the query "test_value" .* \(after 2 attempts\)/, attempts: 2 },
  { mode: 'truncated', reason: 'bad_response', message: /invalid answer to the query "test_value" of dataset "gauge" over .*: body is not JSON/, attempts: 1 },
  { mode: 'wrong_types', reason: 'bad_response', message: /invalid answer .*: result\[0\]\.values\[0\] is \[\d+(\.\d+)?,[-0-9.e+]+\], expected \[<unix seconds>, "<value>"\]/, attempts: 1 },
  { mode: 'html', reason: 'bad_response', message: /invalid answer .*: body is not JSON .*starts with "<html>/, attempts: 1 },
];

for (const fault of cases) {
  test(`${fault.mode}: an error run and metric, the watermark held, and the next run catches up`, async () => {
    const warehouse = await openDuckDbWarehouse({ path: join(dir, `${fault.mode}.duckdb`), retentionMs: DEFAULT_RETENTION_MS });
    const registry = new Registry();
    let now = historyStart + 31 * M;
    const job = createIngestJob({
      warehouse,
      source: createPrometheusSource({ url: proxyUrl, timeoutMs: 2_000, retries: 1, backoffMs: 10 }),
      datasets: [dataset],
      registry,
      log: createLogger('error', () => {}),
      now: () => now,
      intervalMs: M,
      delayMs: M,
      initialLookbackMs: 31 * M,
      windowMs: 15 * M,
    });
    const signal = new AbortController().signal;
    try {
      mode = 'pass';
      await job.run(signal);
      const watermark = await warehouse.watermark('default', 'gauge');
      assert.equal(watermark, historyStart + 30 * M);

      mode = fault.mode;
      now = historyEnd + M;
      requests = 0;
      await job.run(signal);
      assert.equal(requests, fault.attempts, 'retried only what may pass');
      const [failed] = await warehouse.listIngestRuns('default', 1);
      assert.equal(failed!.status, 'error');
      assert.match(failed!.error!, fault.message);
      assert.equal(failed!.rows, 0);
      assert.deepEqual(failed!.window, { start: historyStart + 30 * M, end: historyStart + 45 * M });
      assert.equal(await warehouse.watermark('default', 'gauge'), watermark, 'held at the last stored window');
      assert.match(await registry.metrics(), new RegExp(`sextant_ingest_errors_total\\{dataset="gauge",reason="${fault.reason}"\\} 1`));

      mode = 'pass';
      await job.run(signal);
      assert.equal(await warehouse.watermark('default', 'gauge'), historyEnd);
      await assertNoGapNoDuplicate(warehouse, 'gauge', M);
      // test_value has two series (a and b), a point per minute of the hour: an empty warehouse and an
      // empty PromQL answer would agree with each other, not with this.
      assert.equal(await assertPointsMatchPromQL(warehouse, prometheus.url, dataset, historyStart, historyEnd), 2 * ((historyEnd - historyStart) / M));
    } finally {
      mode = 'pass';
      await warehouse.close();
    }
  });
}
