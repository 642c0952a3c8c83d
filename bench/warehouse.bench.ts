// Warehouse benchmarks: the Appender's rate, the hourly rollup over 10M points (goal <= 2.5 s),
// and an incremental rollup after 1% new data (goal: cost in proportion to the new data).
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { ROLLUP_LEVELS } from '../exporter/src/warehouse/levels.js';
import { bucketSpans } from '../exporter/src/warehouse/rollup-plan.js';
import { recomputeSpan } from '../exporter/src/warehouse/rollup-sql.js';
import type { RollupLevel } from '../exporter/src/warehouse/warehouse.js';
import { measureAppenderRate } from './warehouse-appender.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const SERIES = Number(process.env.BENCH_SERIES ?? 500);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20_000); // 500 x 20,000 = 10M points, ~14 days at 1 min
const WINDOW = 6 * 60; // minutes per replaceWindow, as an ingest chunk

function windowSeries(fromMinute: number, minutes: number): Series[] {
  return Array.from({ length: SERIES }, (_, s) => ({
    labels: { instance: `host-${s}:9100`, job: 'node' },
    samples: Array.from({ length: minutes }, (_, i) => {
      const m = fromMinute + i;
      return { t: T0 + m * MIN, v: 50 + 40 * Math.sin((m + s * 7) / 90) + ((m * 7919 + s * 104729) % 1000) / 100 };
    }),
  }));
}

async function ingest(w: DuckDbWarehouse, fromMinute: number, minutes: number): Promise<number> {
  const started = performance.now();
  for (let m = fromMinute; m < fromMinute + minutes; m += WINDOW) {
    const n = Math.min(WINDOW, fromMinute + minutes - m);
    await w.replaceWindow('default', 'node_cpu', { start: T0 + m * MIN, end: T0 + (m + n) * MIN }, windowSeries(m, n));
  }
  return (performance.now() - started) / 1000;
}

/**
 * Times each level's share of recomputing every bucket the new windows touch (open buckets
 * included, i.e. rollup()'s worst case), then clears the windows.
 */
async function timedRollup(w: DuckDbWarehouse): Promise<Record<RollupLevel, { seconds: number; rows: number }>> {
  return w.handle.write(async (tx) => {
    const windows = (await tx.read('SELECT tenant, dataset, start_ms AS start, end_ms AS "end" FROM rollup_dirty')).map((r) => ({
      tenant: String(r.tenant),
      dataset: String(r.dataset),
      start: Number(r.start),
      end: Number(r.end),
    }));
    const out = {} as Record<RollupLevel, { seconds: number; rows: number }>;
    for (const level of ROLLUP_LEVELS) {
      const started = performance.now();
      let rows = 0;
      for (const span of bucketSpans(level, windows)) rows += await recomputeSpan(tx, level, span);
      out[level] = { seconds: (performance.now() - started) / 1000, rows };
    }
    await tx.run('DELETE FROM rollup_dirty');
    return out;
  });
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  process.stdout.write(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, ${new Date().toISOString()}\n`);
  const appender = await measureAppenderRate();
  process.stdout.write(
    `appender: raw ${Math.round(appender.rawRowsPerSecond).toLocaleString('en')} rows/s, ` +
      `through DuckDbHandle.append ${Math.round(appender.handleRowsPerSecond).toLocaleString('en')} rows/s (${appender.rows.toLocaleString('en')} rows)\n`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-warehouse-'));
  const w = await openDuckDbWarehouse({ path: join(dir, 'bench.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  try {
    const total = SERIES * SAMPLES;
    const ingestSeconds = await ingest(w, 0, SAMPLES);
    process.stdout.write(`replaceWindow: ${total.toLocaleString('en')} points (${SERIES} series, ${WINDOW}-minute windows) in ${fmt(ingestSeconds)} s = ${Math.round(total / ingestSeconds).toLocaleString('en')} points/s\n`);

    const full = await timedRollup(w);
    for (const level of ROLLUP_LEVELS) {
      process.stdout.write(`full rollup ${level}: ${fmt(full[level].seconds)} s, ${full[level].rows.toLocaleString('en')} rows${level === '1h' ? ' (goal <= 2.5 s)' : ''}\n`);
    }

    const extra = Math.round(SAMPLES / 100);
    await ingest(w, SAMPLES, extra);
    const incremental = await timedRollup(w);
    for (const level of ROLLUP_LEVELS) {
      const ratio = incremental[level].seconds / full[level].seconds;
      process.stdout.write(`incremental rollup ${level} after +1% (${(SERIES * extra).toLocaleString('en')} points): ${fmt(incremental[level].seconds, 3)} s = ${fmt(100 * ratio, 1)}% of full, ${incremental[level].rows.toLocaleString('en')} rows\n`);
    }
    // The service's cadence: a minute of new data, then rollup(), which refreshes the hour and
    // day still filling only per stretch of new data.
    const minuteRuns: number[] = [];
    for (let m = SAMPLES + extra; m < SAMPLES + extra + 10; m++) {
      await ingest(w, m, 1);
      const started = performance.now();
      await w.rollup();
      minuteRuns.push((performance.now() - started) / 1000);
    }
    minuteRuns.sort((a, b) => a - b);
    process.stdout.write(
      `rollup() after each of 10 one-minute windows (${SERIES} points each): median ${fmt(minuteRuns[5]!, 3)} s, max ${fmt(minuteRuns[9]!, 3)} s\n`,
    );
    const started = performance.now();
    await w.rollup();
    process.stdout.write(`rollup() with nothing new: ${fmt((performance.now() - started) / 1000, 3)} s\n`);
    process.stdout.write(`warehouse size: ${fmt((await w.sizeBytes()) / 1e6, 1)} MB\n`);
  } finally {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
