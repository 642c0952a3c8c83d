// One Sextant replica for the replicas part of bench/clickhouse.bench.ts, as a process of its own:
// opens the ClickHouse warehouse, warms up by scoring the whole of `warmTenant`'s dataset alone (a
// fresh process runs the detector's code interpreted for its first thousands of points; a service
// that has been running has it compiled), joins the membership as `id`, waits until every one of
// `members` acts under the same view, says "ready", and on each "go" (stdin) runs the score job once
// over `tenant`'s dataset; prints "done <seconds> <points scored> <CPU seconds of this process>"
// for that run; "exit" ends it. With BENCH_REPLICA_PROFILE=DIR it writes the CPU profile of its
// first run to DIR/ID.cpuprofile.
//   node --import tsx bench/replica-scorer.ts URL DATABASE CLUSTER TENANT WARM_TENANT DATASET ID MEMBERS(comma-separated)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Registry } from 'prom-client';
import { createScoreJob } from '../exporter/src/jobs/score.js';
import { createLogger } from '../exporter/src/log.js';
import { SeriesFamilies } from '../exporter/src/metrics/series-gauge-family.js';
import { Membership } from '../exporter/src/replicas/membership.js';
import { ClickHouseConnection } from '../exporter/src/warehouse/clickhouse/clickhouse-connection.js';
import { openClickHouseWarehouse } from '../exporter/src/warehouse/clickhouse/clickhouse-warehouse.js';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { DEFAULT_RETENTION_MS } from '../exporter/src/warehouse/duckdb-warehouse.js';

const [url, database, cluster, tenant, warmTenant, dataset, id, memberList] = process.argv.slice(2) as [string, string, string, string, string, string, string, string];
const members = memberList.split(',').sort();
const log = createLogger('error');
const client = serverClient(url);
const warehouse = await openClickHouseWarehouse({ connection: new ClickHouseConnection(client, database, cluster), retentionMs: DEFAULT_RETENTION_MS });
const scoreJob = (forTenant: string, registry: Registry, replicas?: Membership) =>
  createScoreJob({
    store: warehouse.anomalies,
    datasets: [{ name: dataset, tenant: forTenant, query: '', keepLabels: ['instance', 'job'], stepMs: 60_000 }],
    registry,
    families: new SeriesFamilies(),
    log,
    intervalMs: 60_000,
    replicas,
  });
await scoreJob(warmTenant, new Registry()).run(new AbortController().signal);
const membership = new Membership({ store: warehouse.replicas, id, heartbeatMs: 2_000, leaseMs: 10_000, now: Date.now, log });
// The heartbeat, as the service's job writes it (a replica that stops beating stops writing results).
const beating = setInterval(() => void membership.beat().catch(() => {}), 2_000);
const registry = new Registry();
const job = scoreJob(tenant, registry, membership);
// Settled: every member's row claims the full view for scoring (a replica of an earlier run is dead after the lease).
for (;;) {
  await membership.claim('score');
  const rows = (await membership.live()).filter((r) => members.includes(r.id));
  if (rows.length === members.length && rows.every((r) => r.views.score?.join() === members.join())) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write('ready\n');
const scoredSoFar = async (): Promise<number> => (await registry.getSingleMetric('sextant_score_points_total')!.get()).values.reduce((n, v) => n + v.value, 0);
let runs = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'exit') break;
  if (line !== 'go') continue;
  const profiler = process.env.BENCH_REPLICA_PROFILE && runs++ === 0 ? new Session() : undefined;
  const before = await scoredSoFar();
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  await job.run(new AbortController().signal);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(join(process.env.BENCH_REPLICA_PROFILE!, `${id}.cpuprofile`), JSON.stringify(profile));
  }
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`done ${seconds} ${(await scoredSoFar()) - before} ${cpuSeconds}\n`);
}
clearInterval(beating);
await warehouse.close();
process.exit(0); // stdin, still open, would keep the process alive
