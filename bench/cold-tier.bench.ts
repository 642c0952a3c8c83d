// Cold tier benchmark: bytes per point and per rollup row in the DuckDB tables and in the cold
// tier's Parquet files, the move's rate and the event loop's longest stall during it, and the
// time of the same queries and export over 30 days, all hot and then all cold.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { BiQuery, Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { ROLLUP_LEVELS, STORAGE_LEVELS } from '../exporter/src/warehouse/levels.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const SERIES = Number(process.env.BENCH_SERIES ?? 40);
const DAYS = 33; // 30 days queried, all cold after the move, and the hot days after them
const NOW = Math.floor(Date.now() / DAY) * DAY;
const START = NOW - DAYS * DAY;
const RANGE = { start: NOW - 32 * DAY, end: NOW - 2 * DAY };
const RUNS = 5;

function daySeries(day: number): Series[] {
  return Array.from({ length: SERIES }, (_, s) => ({
    labels: { instance: `host-${s}:9100`, job: 'node' },
    samples: Array.from({ length: 1440 }, (_, i) => {
      const m = (day - START) / MIN + i;
      // Two decimals, as a utilisation percentage scraped from node_exporter would be rounded.
      return { t: day + i * MIN, v: Math.round((50 + 40 * Math.sin((m + s * 7) / 90) + ((m * 7919 + s * 104729) % 1000) / 100) * 100) / 100 };
    }),
  }));
}

/** The warehouse file's size once everything written is checkpointed into it. */
async function fileBytes(w: DuckDbWarehouse): Promise<number> {
  await w.handle.read('CHECKPOINT');
  return (await stat(w.handle.path)).size;
}

const QUERIES: Record<string, BiQuery> = {
  'raw points, avg per minute': { dataset: 'cpu', measures: ['avg'], groupBy: [], filters: [], bucket: 'raw', range: RANGE },
  '5m, p95 of one host': { dataset: 'cpu', measures: ['p95', 'max'], groupBy: ['instance'], filters: [{ label: 'instance', op: '=', value: 'host-3:9100' }], bucket: '5m', range: RANGE },
  '1h, avg and p95 per host': { dataset: 'cpu', measures: ['avg', 'p95'], groupBy: ['instance'], filters: [], bucket: '1h', range: RANGE },
  '1d, all measures': { dataset: 'cpu', measures: ['count', 'sum', 'min', 'max', 'avg', 'p50', 'p95', 'p99', 'last'], groupBy: [], filters: [], bucket: '1d', range: RANGE },
};

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function timings(w: DuckDbWarehouse, dir: string, tag: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, query] of Object.entries(QUERIES)) out[name] = await median(() => w.query('default', query));
  out['export 30 days of points'] = await median(() => w.exportParquet('default', 'cpu', 'points', RANGE, join(dir, `export-${tag}.parquet`)));
  return out;
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

async function main(): Promise<void> {
  process.stdout.write(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => fmt(l)).join(' ')}, DuckDB threads ${process.env.BENCH_THREADS ?? 'all cores'}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-cold-'));
  const retentionMs = { ...DEFAULT_RETENTION_MS, points: 400 * DAY };
  const after = { points: 2 * DAY, '5m': 2 * DAY, '1h': 2 * DAY, '1d': 2 * DAY };
  // BENCH_THREADS=1 leaves the event loop a core of its own while DuckDB compresses and sorts.
  const settings = process.env.BENCH_THREADS ? { threads: process.env.BENCH_THREADS } : undefined;
  const w = await openDuckDbWarehouse({ path: join(dir, 'bench.duckdb'), retentionMs, coldAfterMs: after, ...(settings ? { settings } : {}) });
  try {
    const empty = await fileBytes(w);
    for (let day = START; day < NOW; day += DAY) await w.replaceWindow('default', 'cpu', { start: day, end: day + DAY }, daySeries(day));
    const points = SERIES * 1440 * DAYS;
    const withPoints = await fileBytes(w);
    await w.rollup();
    const withRollups = await fileBytes(w);
    const rollupRows = Object.fromEntries(
      await Promise.all(ROLLUP_LEVELS.map(async (l) => [l, Number((await w.handle.read(`SELECT count(*) AS n FROM rollup_${l}`))[0]!.n)] as const)),
    ) as Record<string, number>;
    const allRollupRows = ROLLUP_LEVELS.reduce((a, l) => a + rollupRows[l]!, 0);
    process.stdout.write(`data: ${points.toLocaleString('en')} points (${SERIES} series x ${DAYS} days of minutes), rollup rows ${JSON.stringify(rollupRows)}\n`);
    process.stdout.write(`hot: ${fmt((withPoints - empty) / points, 2)} bytes per point, ${fmt((withRollups - withPoints) / allRollupRows)} bytes per rollup row (file growth after CHECKPOINT)\n`);

    const hot = await timings(w, dir, 'hot');

    // The yardstick: the event loop's longest stall while the process does nothing at all (on a
    // shared machine the process itself waits for a core now and then).
    const idle = monitorEventLoopDelay({ resolution: 10 });
    const idleUse = performance.eventLoopUtilization();
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    idle.disable();
    const idleUtilisation = performance.eventLoopUtilization(idleUse).utilization;
    const moveUse = performance.eventLoopUtilization();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const moved = await w.cold.moveCold(NOW);
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    const moveUtilisation = performance.eventLoopUtilization(moveUse).utilization;
    const movedRows = STORAGE_LEVELS.reduce((a, l) => a + moved.rows[l], 0);
    process.stdout.write(
      `move: ${STORAGE_LEVELS.map((l) => `${l} ${moved.days[l]} files`).join(', ')}; ${movedRows.toLocaleString('en')} rows in ${fmt(seconds)} s = ${Math.round(movedRows / seconds).toLocaleString('en')} rows/s; event loop longest stall ${fmt(delay.max / 1e6)} ms, p99 ${fmt(delay.percentile(99) / 1e6)} ms, busy ${fmt(100 * moveUtilisation)}% of the time (idle for 10 s: ${fmt(idle.max / 1e6)} ms, p99 ${fmt(idle.percentile(99) / 1e6)} ms, busy ${fmt(100 * idleUtilisation)}%)\n`,
    );
    const stats = await w.cold.coldStats();
    process.stdout.write(`cold: ${fmt(stats.points.bytes / stats.points.rows, 2)} bytes per point; per rollup row ${ROLLUP_LEVELS.map((l) => `${l} ${fmt(stats[l].bytes / stats[l].rows)}`).join(', ')}\n`);

    const cold = await timings(w, dir, 'cold');
    process.stdout.write(`\nmedian of ${RUNS} runs over 30 days (ms):\n| query | hot | cold | cold / hot |\n|---|---:|---:|---:|\n`);
    for (const name of Object.keys(hot)) process.stdout.write(`| ${name} | ${fmt(hot[name]!)} | ${fmt(cold[name]!)} | ${fmt(cold[name]! / hot[name]!, 2)} |\n`);
  } finally {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
