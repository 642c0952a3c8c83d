// Durable Alertmanager webhook vs a bare express endpoint that parses the same body and stores
// nothing, in the same run: requests/s and p99 latency with a real-size payload (a group of 10
// alerts, every request new alerts, so every request is a real write, durable before its answer and
// loaded into alert_events within the durable endpoint's own measured time).
// Goals (issue 4): at least half the bare endpoint's requests/s, p99 at most 50 ms.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { startAlertService, webhookPayload } from '../tests/support/alert-service.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
// The endpoints take turns in short slices, so that both see the same load from the rest of a shared
// machine: the ratio of one run is then meaningful even when absolute numbers are not.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ALERTS_PER_REQUEST = 10;
// BENCH_BACKGROUND_WRITES=1: during the durable slices the warehouse also writes ingest windows
// (20 series x 5,000 points) back to back, as the service's ingest and rollup jobs keep it busy.
const BACKGROUND_WRITES = process.env.BENCH_BACKGROUND_WRITES === '1';

let counter = 0;
// Alerts that started in the last hours, as Alertmanager sends them: an instance older than the
// store's week of certain memory would be looked up in the table first (the rare path).
const FIRST_START = Date.now() - 3_600_000;
function body(): string {
  const n = counter++;
  return JSON.stringify(
    webhookPayload(
      Array.from({ length: ALERTS_PER_REQUEST }, (_, i) => ({
        fingerprint: (n * ALERTS_PER_REQUEST + i).toString(16).padStart(16, '0'),
        status: 'firing' as const,
        startsAt: new Date(FIRST_START + n * 10).toISOString(),
        labels: { instance: `host-${i}:9100`, service: `svc-${n % 20}` },
      })),
    ),
  );
}

interface Tally {
  latencies: number[];
  errors: number;
  seconds: number;
  /** CPU time of the whole process (clients, server, DuckDB's threads), in microseconds. */
  cpuMicros: number;
  /** Time Node's main thread was busy (clients and server share it), in ms. */
  mainMs: number;
}

/**
 * Runs CONCURRENCY keep-alive clients against `url` for `seconds`, then waits for `settle` (the work
 * the endpoint still owes for what it accepted), adding all of it to `tally`.
 */
async function load(url: string, seconds: number, tally: Tally, settle: () => Promise<void> = async () => undefined): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const start = performance.now();
  const end = start + seconds * 1000;
  const cpu = process.cpuUsage();
  const utilization = performance.eventLoopUtilization();
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
        tally.latencies.push(performance.now() - t);
        if (status !== 200) tally.errors += 1;
      }
    }),
  );
  agent.destroy();
  await settle();
  const used = process.cpuUsage(cpu);
  tally.cpuMicros += used.user + used.system;
  tally.mainMs += performance.eventLoopUtilization(utilization).active;
  tally.seconds += (performance.now() - start) / 1000;
}

function summary(tally: Tally): { rps: number; p50: number; p99: number; errors: number; cpuMs: number; mainMs: number } {
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { rps: sorted.length / tally.seconds, p50: q(0.5), p99: q(0.99), errors: tally.errors, cpuMs: tally.cpuMicros / 1000 / sorted.length, mainMs: tally.mainMs / sorted.length };
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
const hook = `${durable.url}/api/v1/alerts/webhook`;

const slice = SECONDS / ROUNDS;
const tally = (): Tally => ({ latencies: [], errors: 0, seconds: 0, cpuMicros: 0, mainMs: 0 });
// The durable endpoint's slices include loading what it acknowledged from the intake log into
// alert_events, so none of its work spills into the bare endpoint's slices.
const loaded = () => durable.store.loaded();

/** Writes ingest windows into the warehouse until the returned stop is called. */
function backgroundWrites(): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    for (let window = 0; running; window++) {
      const start = Date.UTC(2026, 0, 1) + window * 5_000_000;
      const series = Array.from({ length: 20 }, (_, s) => ({
        labels: { instance: `host-${s}` },
        samples: Array.from({ length: 5_000 }, (_, i) => ({ t: start + i * 1000, v: Math.sin(i + s) })),
      }));
      await durable.warehouse.replaceWindow('bench', 'background', { start, end: start + 5_000_000 }, series);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** The durable endpoint under load, with the warehouse's other writes when asked for. */
async function loadDurable(tally: Tally): Promise<void> {
  const stop = BACKGROUND_WRITES ? backgroundWrites() : async () => undefined;
  try {
    await load(hook, slice, tally, loaded);
  } finally {
    await stop();
  }
}

// Warm both paths (JIT, DuckDB caches) before measuring.
await load(plain.url, slice, tally());
await loadDurable(tally());
const [warmStored] = await durable.warehouse.handle.read('SELECT count(*) AS n FROM alert_events');
const warmAppends = durable.appends();
const bareTally = tally();
const durableTally = tally();
const started = new Date();
const loadBefore = loadavg()[0]!;
for (let round = 0; round < ROUNDS; round++) {
  await load(plain.url, slice, bareTally);
  await loadDurable(durableTally);
}
const loadAfter = loadavg()[0]!;
const b = summary(bareTally);
const d = summary(durableTally);
const [stored] = await durable.warehouse.handle.read('SELECT count(*) AS n FROM alert_events');
const events = Number(stored?.n) - Number(warmStored?.n);
const appends = durable.appends() - warmAppends;
await durable.close();
await plain.close();

const f = (x: number) => x.toFixed(1);
console.log(`${started.toISOString()}, ${cpus().length} cores, node ${process.version}, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
console.log(`payload ${Buffer.byteLength(body())} bytes, ${ALERTS_PER_REQUEST} alerts/request, concurrency ${CONCURRENCY}, ${SECONDS}s each in ${ROUNDS} alternating slices, DuckDB threads ${threads ?? 'default'}${BACKGROUND_WRITES ? ', ingest windows written during the durable slices' : ''}`);
// Per request: CPU of the whole process, and time on Node's main thread (which must serve both).
console.log(`| endpoint | requests/s | p50 ms | p99 ms | errors | CPU ms/request | main thread ms/request |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const [name, r] of [['bare express (parse only)', b], ['durable webhook', d]] as const) {
  console.log(`| ${name} | ${f(r.rps)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${r.cpuMs.toFixed(2)} | ${r.mainMs.toFixed(2)} |`);
}
console.log(`ratio durable/bare: ${(d.rps / b.rps).toFixed(2)} (goal >= 0.5); p99 ${f(d.p99)} ms (goal <= 50)`);
console.log(`measured: ${events} alert events in ${appends} durable appends to the intake log (${(events / Math.max(1, appends)).toFixed(0)} per append)`);
if (d.errors || b.errors) process.exitCode = 1;
