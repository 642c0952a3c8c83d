// DuckDB against a two-shard ClickHouse cluster in the same run: two clickhouse-server 18.16
// processes on this machine (one shard each, ZooKeeper for their DDL, tests/support), written and
// read through their Distributed tables from one Sextant process.
//
// 1. Ingest: BENCH_POINTS points (default 2M; BENCH_POINTS=10000000 for the 10M) of 500
//    series at a 1m step, written through replaceWindow in 6-hour windows, rows/s of each engine.
// 2. Rollup: rollup() over all of it (the three levels), then the hourly level alone over the
//    whole range, each engine; the row counts and hourly sums are compared between the engines.
// 3. Keeping up at a 1m step: for BENCH_KEEPUP_SERIES series (default 2000,10000), an hour of
//    history, one warm-up scoring run, then three cycles of what the service does each minute
//    (ingest the minute, rollup(), score it); from the per-series cost of a cycle, the number of
//    series one process keeps up with in 60 s. Scoring runs on DuckDB's anomaly store; on the
//    cluster, the cycle is ingest and rollup.
// 4. Replicas: scoring throughput of one Sextant replica against two sharing the series
//    (BENCH_REPLICA_SERIES series, default 2000, with BENCH_REPLICA_MINUTES minutes each, default 120,
//    on the cluster's anomaly store): each replica a process of its own (bench/replica-scorer.ts),
//    talking to a server of its own, running the score job once over the dataset's whole history;
//    the same points for both runs; BENCH_REPLICA_ROUNDS rounds (default 3, alternating which run
//    goes first), each on fresh tenants, each replica warmed up on 200 series of its own before it
//    joins; then three runs of a minute each (one new point per series, as a running service
//    scores); the CPU seconds of the replicas and of the servers, and the
//    load average. BENCH_REPLICA_PROFILE=DIR writes each replica's CPU profile of its run there.
// BENCH_PARTS (default all: ingest,keepup,replicas) picks parts.
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { Series } from '@sextant/core';
import { createScoreJob } from '../exporter/src/jobs/score.js';
import { createLogger } from '../exporter/src/log.js';
import { SeriesFamilies } from '../exporter/src/metrics/series-gauge-family.js';
import { ClickHouseConnection } from '../exporter/src/warehouse/clickhouse/clickhouse-connection.js';
import { recomputeOnClickHouse } from '../exporter/src/warehouse/clickhouse/clickhouse-rollup.js';
import { openClickHouseWarehouse, type ClickHouseWarehouse } from '../exporter/src/warehouse/clickhouse/clickhouse-warehouse.js';
import { sqlString } from '../exporter/src/warehouse/clickhouse/sql-literal.js';
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { recomputeSpan } from '../exporter/src/warehouse/rollup-sql.js';
import type { Warehouse } from '../exporter/src/warehouse/warehouse.js';
import { startClickHouseCluster } from '../tests/support/clickhouse-server.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const TENANT = 'default';
const SERIES = 500;
const POINTS = Number(process.env.BENCH_POINTS ?? 2_000_000);
const SAMPLES = Math.ceil(POINTS / SERIES);
const WINDOW = 6 * 60; // minutes per replaceWindow, the ingest job's chunk
const KEEPUP_SERIES = (process.env.BENCH_KEEPUP_SERIES ?? '2000,10000').split(',').map(Number);
const KEEPUP_HISTORY = 60; // minutes of history before the timed cycles
const CYCLES = 3;
const REPLICA_SERIES = Number(process.env.BENCH_REPLICA_SERIES ?? 2000);
const REPLICA_MINUTES = Number(process.env.BENCH_REPLICA_MINUTES ?? 120);
const REPLICA_ROUNDS = Number(process.env.BENCH_REPLICA_ROUNDS ?? 3);
/** Runs of a minute each (one new point per series) after the history, per replica set and round. */
const MINUTE_RUNS = 3;
/** Series each replica scores alone before it joins, to have its code compiled when measured. */
const WARMUP_SERIES = 200;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'ingest,keepup,replicas').split(','));

const fmt = (n: number, digits = 2): string => n.toFixed(digits);
const int = (n: number): string => Math.round(n).toLocaleString('en');
const out = (line: string): void => void process.stdout.write(`${line}\n`);

function windowSeries(series: number, fromMinute: number, minutes: number): Series[] {
  return Array.from({ length: series }, (_, s) => ({
    labels: { instance: `host-${s}:9100`, job: 'node' },
    samples: Array.from({ length: minutes }, (_, i) => {
      const m = fromMinute + i;
      return { t: T0 + m * MIN, v: 50 + 40 * Math.sin((m + s * 7) / 90) + ((m * 7919 + s * 104729) % 1000) / 100 };
    }),
  }));
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function ingest(w: Warehouse, dataset: string, series: number, fromMinute: number, minutes: number): Promise<void> {
  for (let m = fromMinute; m < fromMinute + minutes; m += WINDOW) {
    const n = Math.min(WINDOW, fromMinute + minutes - m);
    await w.replaceWindow(TENANT, dataset, { start: T0 + m * MIN, end: T0 + (m + n) * MIN }, windowSeries(series, m, n));
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Row count and sum of the hourly rollup's sums, to check both engines hold the same. */
async function hourlyTotals(duck: DuckDbWarehouse, ch: ClickHouseWarehouse): Promise<string[]> {
  const [d] = await duck.handle.read(`SELECT count(*) AS n, sum(sum) AS s FROM rollup_1h WHERE dataset = 'bench'`);
  const [c] = await ch.db.read(`SELECT count() AS n, sum(sum) AS s FROM ${ch.db.table('rollup_1h')} FINAL WHERE dataset = 'bench'`);
  return [`DuckDB ${int(Number(d?.n))} rows, sum ${fmt(Number(d?.s), 1)}`, `cluster ${int(Number(c?.n))} rows, sum ${fmt(Number(c?.s), 1)}`];
}

async function ingestAndRollup(duck: DuckDbWarehouse, ch: ClickHouseWarehouse): Promise<void> {
  const total = SERIES * SAMPLES;
  out(`\n### ingest and rollup: ${int(total)} points (${SERIES} series x ${int(SAMPLES)} one-minute samples, ${WINDOW}-minute windows)`);
  for (const [name, w] of [['DuckDB', duck], ['cluster', ch]] as const) {
    const s = await seconds(() => ingest(w, 'bench', SERIES, 0, SAMPLES));
    out(`ingest ${name}: ${fmt(s)} s = ${int(total / s)} rows/s`);
  }
  for (const [name, w] of [['DuckDB', duck], ['cluster', ch]] as const) out(`rollup() ${name} (5m, 1h, 1d): ${fmt(await seconds(() => w.rollup()))} s`);
  const span = { tenant: TENANT, dataset: 'bench', start: T0, end: T0 + SAMPLES * MIN };
  const duckHourly = await seconds(() => duck.handle.write((tx) => recomputeSpan(tx, '1h', span)));
  const chHourly = await seconds(() => recomputeOnClickHouse(ch.db, '1h', span, Date.now()));
  out(`hourly rollup over all ${int(total)} points: DuckDB ${fmt(duckHourly)} s, cluster ${fmt(chHourly)} s`);
  out(`same answers: ${(await hourlyTotals(duck, ch)).join('; ')}`);
}

interface CycleTimes {
  ingest: number;
  rollup: number;
  score: number;
}

/** The per-minute cycle on `w` for `series` series; scoring only where a store is given. */
async function keepUp(w: Warehouse, series: number, score?: () => Promise<void>): Promise<CycleTimes> {
  const dataset = `keepup_${series}`;
  await ingest(w, dataset, series, 0, KEEPUP_HISTORY);
  await w.rollup();
  if (score) await score();
  const runs: CycleTimes[] = [];
  for (let m = KEEPUP_HISTORY; m < KEEPUP_HISTORY + CYCLES; m++) {
    const ingested = await seconds(() => ingest(w, dataset, series, m, 1));
    const rolled = await seconds(() => w.rollup());
    const scored = score ? await seconds(score) : 0;
    runs.push({ ingest: ingested, rollup: rolled, score: scored });
  }
  return { ingest: median(runs.map((r) => r.ingest)), rollup: median(runs.map((r) => r.rollup)), score: median(runs.map((r) => r.score)) };
}

function scorer(duck: DuckDbWarehouse, series: number): () => Promise<void> {
  const job = createScoreJob({
    store: duck.anomalies,
    datasets: [{ name: `keepup_${series}`, tenant: TENANT, query: '', keepLabels: ['instance', 'job'], stepMs: MIN }],
    registry: new Registry(),
    families: new SeriesFamilies(),
    log: createLogger('error'),
    intervalMs: MIN,
  });
  return () => job.run(new AbortController().signal);
}

async function keepingUp(duck: DuckDbWarehouse, ch: ClickHouseWarehouse): Promise<void> {
  out(`\n### keeping up at a 1m step (${KEEPUP_HISTORY} minutes of history, one warm-up scoring run, median of ${CYCLES} cycles)`);
  for (const series of KEEPUP_SERIES) {
    const d = await keepUp(duck, series, scorer(duck, series));
    const c = await keepUp(ch, series);
    const duckCycle = d.ingest + d.rollup + d.score;
    const chCycle = c.ingest + c.rollup + d.score;
    out(
      `${int(series)} series: DuckDB ingest ${fmt(d.ingest, 3)} s + rollup ${fmt(d.rollup, 3)} s + score ${fmt(d.score, 3)} s = ${fmt(duckCycle, 3)} s ` +
        `(scoring ${int(series / d.score)} points/s); keeps up with ~${int((60 / duckCycle) * series)} series`,
    );
    out(
      `${int(series)} series: cluster ingest ${fmt(c.ingest, 3)} s + rollup ${fmt(c.rollup, 3)} s (+ the same scoring, ${fmt(d.score, 3)} s) = ${fmt(chCycle, 3)} s; ` +
        `keeps up with ~${int((60 / chCycle) * series)} series`,
    );
  }
}

interface ReplicaRun {
  seconds: number;
  points: number;
  /** CPU seconds of the replica's process: the rest of its time it waits for ClickHouse or for a core. */
  cpu: number;
}

interface Replica {
  ready: Promise<void>;
  /** Runs the score job once in the replica, and its outcome. */
  run(): Promise<ReplicaRun>;
  stop(): void;
}

/** The tenant a replica warms up on: a copy of the first WARMUP_SERIES series, its own. */
const warmTenantOf = (id: string): string => `warm_${id}`;

/** Writes the replicas part's dataset under `tenant`: `series` series of REPLICA_MINUTES minutes. */
async function writeReplicaDataset(ch: ClickHouseWarehouse, tenant: string, series: number): Promise<void> {
  for (let m = 0; m < REPLICA_MINUTES; m += WINDOW) {
    const n = Math.min(WINDOW, REPLICA_MINUTES - m);
    await ch.replaceWindow(tenant, 'replicas_bench', { start: T0 + m * MIN, end: T0 + (m + n) * MIN }, windowSeries(series, m, n));
  }
}

/** A replica process (bench/replica-scorer.ts) scoring `tenant`'s dataset as `id` among `members`, talking to the server at `url`. */
function replicaProcess(url: string, cluster: string, tenant: string, id: string, members: string[]): Replica {
  const args = [url, 'sextant_bench', cluster, tenant, warmTenantOf(id), 'replicas_bench', id, members.join(',')];
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/replica-scorer.ts', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let ready!: () => void;
  let done: ((r: ReplicaRun) => void) | undefined;
  const failed = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`replica ${id} exited with ${code}`))));
  failed.catch(() => {});
  lines.on('line', (line) => {
    if (line === 'ready') ready();
    const m = /^done (\S+) (\S+) (\S+)$/.exec(line);
    if (m) done?.({ seconds: Number(m[1]), points: Number(m[2]), cpu: Number(m[3]) });
  });
  return {
    ready: Promise.race([new Promise<void>((resolve) => (ready = resolve)), failed]),
    run: () => {
      const result = new Promise<ReplicaRun>((resolve) => (done = resolve));
      child.stdin!.write('go\n');
      return Promise.race([result, failed]);
    },
    // A replica exits by itself on "exit" (after writing its profile, if asked); this ends one that hangs.
    stop: () => {
      child.stdin!.write('exit\n');
      setTimeout(() => child.kill(), 5_000).unref();
    },
  };
}

/** CPU seconds the processes `pids` have used so far (utime + stime from /proc, in clock ticks of 1/100 s). */
function cpuSecondsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface ScoringRun {
  seconds: number;
  points: number;
  replicas: ReplicaRun[];
  /** CPU seconds of the two clickhouse-server processes from "go" until every replica had finished. */
  serverCpu: number;
  /** CPU seconds of the replicas and the servers together. */
  cpu: number;
  /** The 1-minute load average when the replicas were told to go. */
  load: string;
}

/** Replicas `members` scoring `tenant`'s dataset; replica i talks to server i (mod the servers), as users run them. */
async function startReplicas(urls: readonly string[], cluster: string, tenant: string, members: string[]): Promise<Replica[]> {
  const replicas = members.map((id, i) => replicaProcess(urls[i % urls.length]!, cluster, tenant, id, members));
  try {
    await Promise.all(replicas.map((r) => r.ready));
  } catch (error) {
    replicas.forEach((r) => r.stop());
    throw error;
  }
  return replicas;
}

/** Wall time from "go" until every replica has run the score job once; the points they scored together; their CPU and the servers' meanwhile. */
async function scoreOnce(replicas: readonly Replica[], serverPids: readonly number[]): Promise<ScoringRun> {
  const load = loadAverage().split(' ')[0]!;
  const started = performance.now();
  const cpuBefore = cpuSecondsOf(serverPids);
  const results = await Promise.all(replicas.map((r) => r.run()));
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSecondsOf(serverPids) - cpuBefore;
  const cpu = serverCpu + results.reduce((n, r) => n + r.cpu, 0);
  return { seconds, points: results.reduce((n, r) => n + r.points, 0), replicas: results, serverCpu, cpu, load };
}

/**
 * Waits (at most 10 s) until no merge runs on any server: the merges that a write just before
 * started (ingest's, the last run's) are not the next run's work.
 */
async function quiet(ch: ClickHouseWarehouse): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [row] = await ch.db.read(`SELECT count() AS n FROM ${ch.db.system('merges')} WHERE database = ${sqlString(ch.db.database)}`);
    if (Number(row?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run of the median wall time. */
const medianRun = (runs: readonly ScoringRun[]): ScoringRun => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;

function describe(run: ScoringRun, members: string[]): string {
  const each = run.replicas.map((r, i) => `${members[i]} ${int(r.points)} points, ${fmt(r.seconds)} s, ${fmt(r.cpu)} CPU-s`).join('; ');
  return `${fmt(run.seconds)} s = ${int(run.points / run.seconds)} points/s; CPU-s: replicas ${fmt(run.cpu - run.serverCpu)} + servers ${fmt(run.serverCpu)} = ${fmt(run.cpu)} ` +
    `(${fmt(run.cpu / run.seconds)} of the 2 cores); load ${run.load} (${each})`;
}

/**
 * One replica against two on the same points (two tenants holding the same series, fresh each
 * round so every run starts with no detector state), in rounds that alternate which goes first.
 * Besides the wall-clock ratio, the CPU bound: with C1 and C2 the CPU seconds (replicas and servers)
 * of the one- and two-replica runs, two replicas on 2 otherwise idle cores take at least C2 / 2,
 * and one at most C1 (all of its work in series), so 2 x C1 / C2 is the most two can gain here.
 */
async function replicasScoring(ch: ClickHouseWarehouse, urls: readonly string[], cluster: string, serverPids: readonly number[]): Promise<void> {
  const points = REPLICA_SERIES * REPLICA_MINUTES;
  out(`\n### scoring with one replica against two: ${int(points)} points (${int(REPLICA_SERIES)} series x ${REPLICA_MINUTES} one-minute samples), each replica a process, ${REPLICA_ROUNDS} rounds`);
  const ratios: number[] = [];
  const bounds: number[] = [];
  const minuteRatios: number[] = [];
  const minuteBounds: number[] = [];
  let allScored = true;
  for (let round = 1; round <= REPLICA_ROUNDS; round++) {
    // Replica ids are new each round: the rows of the last round's replicas stay live for their lease.
    const runs = [
      { name: 'one', tenant: `one_${round}`, members: [`solo_${round}`] },
      { name: 'two', tenant: `two_${round}`, members: [`a_${round}`, `b_${round}`] },
    ];
    for (const { tenant, members } of runs) {
      await writeReplicaDataset(ch, tenant, REPLICA_SERIES);
      for (const id of members) await writeReplicaDataset(ch, warmTenantOf(id), WARMUP_SERIES);
    }
    out(`round ${round}, load average before: ${loadAverage()}`);
    const measured = new Map<string, { history: ScoringRun; minute: ScoringRun }>();
    for (const run of round % 2 === 1 ? runs : [...runs].reverse()) {
      const replicas = await startReplicas(urls, cluster, run.tenant, run.members);
      try {
        await quiet(ch);
        const history = await scoreOnce(replicas, serverPids);
        const minutes: ScoringRun[] = [];
        for (let m = REPLICA_MINUTES; m < REPLICA_MINUTES + MINUTE_RUNS; m++) {
          await ch.replaceWindow(run.tenant, 'replicas_bench', { start: T0 + m * MIN, end: T0 + (m + 1) * MIN }, windowSeries(REPLICA_SERIES, m, 1));
          await quiet(ch);
          minutes.push(await scoreOnce(replicas, serverPids));
        }
        const minute = medianRun(minutes);
        measured.set(run.name, { history, minute });
        const label = run.name === 'one' ? 'one replica: ' : 'two replicas:';
        out(`  ${label} history ${describe(history, run.members)}`);
        out(`  ${label} a minute (median of ${MINUTE_RUNS}) ${describe(minute, run.members)}`);
        allScored &&= history.points === points && minutes.every((r) => r.points === REPLICA_SERIES);
      } finally {
        replicas.forEach((r) => r.stop());
      }
    }
    const [one, two] = [measured.get('one')!, measured.get('two')!];
    for (const [part, a, b] of [['history', one.history, two.history], ['minute', one.minute, two.minute]] as const) {
      const ratio = a.seconds / b.seconds;
      const bound = (2 * a.cpu) / b.cpu;
      (part === 'history' ? ratios : minuteRatios).push(ratio);
      (part === 'history' ? bounds : minuteBounds).push(bound);
      out(`  two against one, ${part}: ${fmt(ratio)}x wall clock; CPU bound on 2 idle cores ${fmt(bound)}x`);
    }
  }
  out(`every point scored exactly once (the replicas' counts add up to the points, in every run): ${allScored ? 'yes' : 'NO'}`);
  out(`two against one, a minute's run, median of ${REPLICA_ROUNDS} rounds: ${fmt(median(minuteRatios))}x wall clock, CPU bound ${fmt(median(minuteBounds))}x; rounds ${minuteRatios.map((r) => fmt(r)).join(', ')}`);
  out(`two against one, the history, median of ${REPLICA_ROUNDS} rounds: ${fmt(median(ratios))}x wall clock (goal >= 1.8x), CPU bound ${fmt(median(bounds))}x; rounds ${ratios.map((r) => fmt(r)).join(', ')}`);
  out(`load average after: ${loadAverage()}`);
}

async function main(): Promise<void> {
  out(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${new Date().toISOString()}`);
  out(`load: ${execFileSync('uptime').toString().trim()}`);
  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-clickhouse-'));
  const cluster = await startClickHouseCluster();
  const client = serverClient(cluster.urls[0]!);
  const duck = await openDuckDbWarehouse({ path: join(dir, 'bench.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  await duck.migrate();
  try {
    const open = () => openClickHouseWarehouse({ connection: new ClickHouseConnection(client, 'sextant_bench', cluster.cluster), retentionMs: DEFAULT_RETENTION_MS });
    // On a loaded machine 18.16 sometimes drops the connection of an ON CLUSTER statement; creating the tables is idempotent.
    const ch = await open().catch((error: unknown) => (String(error).includes('socket hang up') ? open() : Promise.reject(error)));
    const [version] = await ch.db.read('SELECT version() AS v');
    out(`ClickHouse ${String(version?.v)}: cluster ${cluster.cluster} of ${cluster.urls.length} servers (one shard each) on this machine`);
    if (PARTS.has('ingest')) await ingestAndRollup(duck, ch);
    if (PARTS.has('keepup')) await keepingUp(duck, ch);
    if (PARTS.has('replicas')) await replicasScoring(ch, cluster.urls, cluster.cluster, cluster.pids());
    out(`\nsizes: DuckDB ${fmt((await duck.sizeBytes()) / 1e6, 1)} MB, cluster ${fmt((await ch.sizeBytes()) / 1e6, 1)} MB`);
    out(`load after: ${execFileSync('uptime').toString().trim()}`);
  } finally {
    await duck.close();
    await client.close();
    await cluster.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
