// Soak: `sextant serve` on the demo plus a 100,000-instance alert history, every job on a short
// interval (ingest, scoring, rollups, training, inference, recommendations, scheduled reports), under
// a steady open-loop 50 req/s of API reads and Alertmanager webhooks on kept-alive connections.
// Every 30 s: requests, p50/p99/max latency, errors, connection resets, the service's RSS and its
// longest event-loop stall. Goals (issue 13 item 3): p99 <= 100 ms, 0 resets.
//
// SOAK_SECONDS (default 300), SOAK_RATE (requests/s, default 50), SOAK_ALERTS (default 100000),
// SOAK_LOOKBACK (demo history of the first ingest, default 14d), SOAK_INTERVAL (jobs, default 30s).
// Writes bench/results/soak.md.
import { Agent, request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { webhookPayload } from '../tests/support/alert-service.js';
import { BUSY_METRICS_TOKEN, BUSY_TOKEN, BUSY_WEBHOOK_TOKEN, startBusyService } from '../tests/support/busy-service.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const RATE = Number(process.env.SOAK_RATE ?? 50);
const ALERTS = Number(process.env.SOAK_ALERTS ?? 100_000);
const LOOKBACK = process.env.SOAK_LOOKBACK ?? '14d';
const INTERVAL = process.env.SOAK_INTERVAL ?? '30s';
const REPORT_EVERY_MS = 30_000;
const HOUR = 3_600_000;
const HEADER = [
  '| s | requests | p50 ms | p99 ms | max ms | errors | resets | RSS MB | max loop stall s (last min) | loop stalls over 100 ms | service CPU (cores) | machine load (1 min) | steal (cores) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
].join('\n');

interface Call {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: () => string;
}

let webhookCount = 0;
/** A group of 5 alerts as Alertmanager sends it: new instances, a third of them resolving. */
function webhookBody(): string {
  const n = webhookCount++;
  const now = Date.now();
  return JSON.stringify(
    webhookPayload(
      Array.from({ length: 5 }, (_, i) => {
        const k = (n * 5 + i) % 4000;
        const resolved = n % 3 === 0;
        return {
          fingerprint: `50a4${k.toString(16).padStart(12, '0')}`,
          status: resolved ? ('resolved' as const) : ('firing' as const),
          startsAt: new Date(now - k * 1000 - 600_000).toISOString(),
          ...(resolved ? { endsAt: new Date(now).toISOString() } : {}),
          labels: { alertname: `SoakRule${i}`, service: `service-${n % 40}`, instance: `host-${n % 97}:9100` },
        };
      }),
    ),
  );
}

const queryBody = () =>
  JSON.stringify({ dataset: 'node_cpu_utilisation_ratio', measures: ['avg', 'p95'], groupBy: ['instance'], filters: [], bucket: '5m', range: { start: Date.now() - 6 * HOUR, end: Date.now() } });

// A dashboard's reads and Alertmanager's webhooks, in proportion (the list is walked in a cycle).
const MIX: Call[] = [
  { name: 'webhook', method: 'POST', path: '/api/v1/alerts/webhook', token: BUSY_WEBHOOK_TOKEN, body: webhookBody },
  { name: 'query', method: 'POST', path: '/api/v1/query', token: BUSY_TOKEN, body: queryBody },
  { name: 'anomalies', method: 'GET', path: '/api/v1/anomalies?limit=20', token: BUSY_TOKEN },
  { name: 'webhook', method: 'POST', path: '/api/v1/alerts/webhook', token: BUSY_WEBHOOK_TOKEN, body: webhookBody },
  { name: 'datasets', method: 'GET', path: '/api/v1/datasets', token: BUSY_TOKEN },
  { name: 'recommendations', method: 'GET', path: '/api/v1/recommendations', token: BUSY_TOKEN },
  { name: 'webhook', method: 'POST', path: '/api/v1/alerts/webhook', token: BUSY_WEBHOOK_TOKEN, body: webhookBody },
  { name: 'predictions', method: 'GET', path: '/api/v1/predictions', token: BUSY_TOKEN },
  { name: 'history', method: 'GET', path: '/api/v1/alerts/history?limit=100', token: BUSY_TOKEN },
  { name: 'status', method: 'GET', path: '/api/v1/status', token: BUSY_TOKEN },
];

interface Interval {
  latencies: number[];
  errors: number;
  resets: number;
}

/**
 * Seconds of the machine's cores that its hypervisor gave to other machines since boot (/proc/stat's
 * steal; NaN off Linux): the event loop cannot run then, so a stall during steal is not the service's.
 */
function stolenSeconds(): number {
  try {
    return Number(readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)[8]) / 100;
  } catch {
    return NaN;
  }
}

/** A counter of core-seconds read at each row, as cores: its rise per second since the previous reading (the first is `first`, now). */
function coresPerSecond(first: number): (seconds: number) => number {
  let last = { at: performance.now(), seconds: first };
  return (seconds) => {
    const at = performance.now();
    const cores = (seconds - last.seconds) / ((at - last.at) / 1000);
    last = { at, seconds };
    return cores;
  };
}

const newInterval = (): Interval => ({ latencies: [], errors: 0, resets: 0 });
const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadavg();
  process.stdout.write(`starting the service (${ALERTS.toLocaleString('en')} alert instances, ${LOOKBACK} of demo history)...\n`);
  const service = await startBusyService({ alertInstances: ALERTS, lookback: LOOKBACK, interval: INTERVAL });
  const target = new URL(service.url);
  // Prometheus and Grafana keep their connections 90 s; so does this client.
  const agent = new Agent({ keepAlive: true, maxSockets: 32, keepAliveMsecs: 90_000 });
  const all = newInterval();
  let current = newInterval();
  /** Counted when it ends, in the 30 s interval it ends in. */
  const byCall = new Map<string, number[]>();
  const count = (name: string, latency: number | undefined, error: 'error' | 'reset' | undefined) => {
    if (latency !== undefined) {
      const list = byCall.get(name);
      if (list) list.push(latency);
      else byCall.set(name, [latency]);
    }
    for (const into of [current, all]) {
      if (latency !== undefined) into.latencies.push(latency);
      if (error === 'error') into.errors += 1;
      if (error === 'reset') into.resets += 1;
    }
  };
  const send = (call: Call): Promise<void> =>
    new Promise((resolve) => {
      const body = call.body?.();
      const t = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: call.path, method: call.method, agent, headers: { authorization: `Bearer ${call.token}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            count(call.name, performance.now() - t, (res.statusCode ?? 0) >= 300 ? 'error' : undefined);
            resolve();
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        count(call.name, undefined, error.code === 'ECONNRESET' || /socket hang up/.test(error.message) ? 'reset' : 'error');
        resolve();
      });
      // A request unanswered after 2 minutes counts as an error, so the run always ends.
      req.setTimeout(120_000, () => req.destroy(new Error('no answer within 120 s')));
      req.end(body);
    });
  const scrape = async (): Promise<{ rss: number; stall: number; over100: number; cpu: number }> => {
    const text = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${BUSY_METRICS_TOKEN}` } }).then((r) => r.text(), () => '');
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
    // The loop-delay probes later than 100 ms since the start (the histogram's count less its 0.1 s bucket).
    const over100 = value('sextant_event_loop_delay_seconds_count') - value('sextant_event_loop_delay_seconds_bucket\\{le="0.1"\\}');
    return { rss: value('process_resident_memory_bytes'), stall: value('sextant_event_loop_delay_max_seconds'), over100, cpu: value('process_cpu_seconds_total') };
  };
  /** The service's CPU seconds per second since the previous row: how much of the cores it got. */
  const cpuCores = coresPerSecond((await scrape()).cpu);
  /** The machine's steal per second since the previous row, in cores. */
  const stealCores = coresPerSecond(stolenSeconds());

  const rows: Promise<string>[] = [];
  const inFlight = new Set<Promise<void>>();
  const begin = performance.now();
  let sent = 0;
  let nextReport = begin + REPORT_EVERY_MS;
  let maxStall = 0;
  let maxRss = 0;
  let lastOver100 = 0;
  const stallsSince = (over100: number): number => {
    const n = over100 - lastOver100;
    lastOver100 = over100;
    return n;
  };
  process.stdout.write(`${HEADER}\n`);
  while (performance.now() - begin < SECONDS * 1000) {
    // Open loop: each request at its own time, whatever the earlier ones are doing.
    const due = begin + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const call = MIX[sent % MIX.length]!;
    const p = send(call).then(() => {
      inFlight.delete(p);
    });
    inFlight.add(p);
    sent += 1;
    if (performance.now() >= nextReport) {
      nextReport += REPORT_EVERY_MS;
      const ended = current;
      current = newInterval();
      const at = Math.round((performance.now() - begin) / 1000);
      // Not awaited: a slow /metrics must not hold back the requests due meanwhile (open loop).
      rows.push(
        scrape().then(({ rss, stall, over100, cpu }) => {
          maxStall = Math.max(maxStall, stall);
          maxRss = Math.max(maxRss, rss);
          const sorted = [...ended.latencies].sort((a, b) => a - b);
          const row = `| ${at} | ${sorted.length} | ${q(sorted, 0.5).toFixed(1)} | ${q(sorted, 0.99).toFixed(1)} | ${(sorted.at(-1) ?? NaN).toFixed(1)} | ${ended.errors} | ${ended.resets} | ${(rss / 2 ** 20).toFixed(0)} | ${stall.toFixed(3)} | ${stallsSince(over100)} | ${cpuCores(cpu).toFixed(2)} | ${loadavg()[0]!.toFixed(1)} | ${stealCores(stolenSeconds()).toFixed(2)} |`;
          process.stdout.write(`${row}\n`);
          return row;
        }),
      );
    }
  }
  await Promise.all(inFlight);
  const { rss, stall, over100 } = await scrape();
  maxStall = Math.max(maxStall, stall);
  maxRss = Math.max(maxRss, rss);
  const loadAfter = loadavg();
  agent.destroy();
  const exit = await service.stop();

  const sorted = all.latencies.sort((a, b) => a - b);
  const p99 = q(sorted, 0.99);
  const verdict = p99 <= 100 && all.resets === 0 ? 'met' : 'NOT met';
  const summary = [
    `| whole run | ${sorted.length} | ${q(sorted, 0.5).toFixed(1)} | ${p99.toFixed(1)} | ${(sorted.at(-1) ?? NaN).toFixed(1)} | ${all.errors} | ${all.resets} | ${(maxRss / 2 ** 20).toFixed(0)} (max) | ${maxStall.toFixed(3)} (max) | ${over100} | | | |`,
  ];
  process.stdout.write(`${summary[0]}\n`);
  const perCall = ['', '| request | count | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|'];
  for (const [name, list] of [...byCall].sort()) {
    list.sort((a, b) => a - b);
    perCall.push(`| ${name} | ${list.length} | ${q(list, 0.5).toFixed(1)} | ${q(list, 0.99).toFixed(1)} | ${(list.at(-1) ?? NaN).toFixed(1)} |`);
  }
  process.stdout.write(`${perCall.join('\n')}\n`);
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');
  const md = [
    '# Soak benchmark',
    '',
    '`npm run bench -- soak` (bench/soak.bench.ts): `sextant serve` as a child process on the demo plus a',
    `${ALERTS.toLocaleString('en')}-instance Alertmanager history (14 days, 200 rules, 40 services), every job on a ${INTERVAL}`,
    'interval (ingest every 10 s, scoring, rollups, training, inference, recommendations, daily and weekly',
    `reports), the first ingest pulling ${LOOKBACK} of demo history; meanwhile an open-loop ${RATE} req/s mix of API reads`,
    '(query, anomalies, datasets, recommendations, predictions, alert history, status) and Alertmanager',
    'webhooks (3 in 10, 5 alerts each) on kept-alive connections. Latency is measured by the client from',
    'sending to the end of the answer; the loop stall is the service\'s own `sextant_event_loop_delay_max_seconds`;',
    'service CPU is its `process_cpu_seconds_total` per second over the row (all its threads: event loop, worker, DuckDB);',
    'steal is the machine\'s cores taken by its hypervisor over the row (/proc/stat), when no thread of the service can run.',
    '',
    `Goals (issue 13 item 3): p99 <= 100 ms, 0 connection resets: **${verdict}** (p99 ${p99.toFixed(1)} ms, ${all.resets} resets).`,
    '',
    `Machine: ${machine}; ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${SECONDS} s; load average (1, 5, 15 min)`,
    `${loads(loadBefore)} before and ${loads(loadAfter)} after (the machine is shared: other builds and tests run on the same cores).`,
    `Service exit status ${exit}.`,
    '',
    HEADER,
    ...(await Promise.all(rows)),
    ...summary,
    ...perCall,
    '',
  ].join('\n');
  writeFileSync(join(import.meta.dirname, 'results', 'soak.md'), md);
  process.stdout.write(`goal p99 <= 100 ms and 0 resets: ${verdict}; written to bench/results/soak.md\n`);
}

await main();
