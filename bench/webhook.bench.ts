// Durable Alertmanager webhook vs a bare express endpoint that parses the same body and stores
// nothing, in the same run: requests/s and p99 latency with a real-size payload (a group of 10
// alerts, every request new alerts, so every request is a real write committed before its answer).
// Goals (issue 4): at least half the bare endpoint's requests/s, p99 at most 50 ms.
import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { startAlertService, webhookPayload } from '../tests/support/alert-service.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ALERTS_PER_REQUEST = 10;

let counter = 0;
function body(): string {
  const n = counter++;
  return JSON.stringify(
    webhookPayload(
      Array.from({ length: ALERTS_PER_REQUEST }, (_, i) => ({
        fingerprint: (n * ALERTS_PER_REQUEST + i).toString(16).padStart(16, '0'),
        status: 'firing' as const,
        startsAt: new Date(Date.UTC(2026, 10, 25, 6) + n * 1000).toISOString(),
        labels: { instance: `host-${i}:9100`, service: `svc-${n % 20}` },
      })),
    ),
  );
}

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; errors: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const sample = body();
  const end = performance.now() + SECONDS * 1000;
  const one = (payload: string) =>
    new Promise<number>((resolve) => {
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer editor-token-a-0001', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const payload = body();
        const t = performance.now();
        const status = await one(payload);
        latencies.push(performance.now() - t);
        if (status !== 200) errors += 1;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: latencies.length / SECONDS, p50: q(0.5), p99: q(0.99), errors, bytes: Buffer.byteLength(sample) };
}

async function bare(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.post('/hook', express.json({ limit: 1_000_000, strict: true }), (req, res) => {
    res.json({ received: (req.body as { alerts: unknown[] }).alerts.length });
  });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((r) => server.close(() => r())) };
}

const plain = await bare();
const threads = process.env.BENCH_DUCKDB_THREADS;
const durable = await startAlertService({
  path: join(mkdtempSync(join(tmpdir(), 'sextant-bench-')), 'warehouse.duckdb'),
  settings: threads ? { threads } : undefined,
});
// Warm both paths (JIT, DuckDB caches) before measuring.
await load(plain.url);
await load(`${durable.url}/api/v1/alerts/webhook`);
const b = await load(plain.url);
const d = await load(`${durable.url}/api/v1/alerts/webhook`);
const [stored] = await durable.warehouse.handle.read('SELECT count(*) AS n FROM alert_events');
const transactions = durable.transactions();
await durable.close();
await plain.close();

const f = (x: number) => x.toFixed(1);
console.log(`payload ${b.bytes} bytes, ${ALERTS_PER_REQUEST} alerts/request, concurrency ${CONCURRENCY}, ${SECONDS}s each, DuckDB threads ${threads ?? 'default'}`);
console.log(`| endpoint | requests/s | p50 ms | p99 ms | errors |`);
console.log(`| --- | --- | --- | --- | --- |`);
console.log(`| bare express (parse only) | ${f(b.rps)} | ${f(b.p50)} | ${f(b.p99)} | ${b.errors} |`);
console.log(`| durable webhook | ${f(d.rps)} | ${f(d.p50)} | ${f(d.p99)} | ${d.errors} |`);
console.log(`ratio durable/bare: ${(d.rps / b.rps).toFixed(2)} (goal >= 0.5); p99 ${f(d.p99)} ms (goal <= 50)`);
console.log(`alert events stored: ${Number(stored?.n)}; transactions: ${transactions}`);
if (d.errors || b.errors) process.exitCode = 1;
