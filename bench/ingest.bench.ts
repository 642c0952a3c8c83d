// End-to-end ingest rate: a query_range answer recorded from the real Prometheus (500 series, a 6h
// window at a 1m step: the default ingest chunk) parsed, validated, reduced to its kept labels and
// written through replaceWindow, against DuckDB's raw Appender rate measured in the same run
// (goal: at least 0.8x). The two alternate round by round, so the machine's load (shared by many)
// weighs on both alike; the ratio is the median of the rounds' ratios. Besides the yardstick (a
// new dataset each round), the same for the ingest job's usual step (the next window of a dataset)
// and for a re-ingested window.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reduceLabels } from '../exporter/src/sources/prometheus-labels.js';
import { parseMatrix } from '../exporter/src/sources/prometheus-response.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
import { startPrometheus } from '../tests/support/prometheus.js';
import { measureAppenderRate } from './warehouse-appender.js';

const M = 60_000;
const H = 60 * M;
const SERIES = Number(process.env.BENCH_SERIES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const start = Math.floor((Date.now() - 8 * H) / H) * H;
const end = start + 6 * H;

/** OpenMetrics history: SERIES gauges scraped every minute, values with the noise of real data. */
function history(): string {
  const lines = ['# TYPE bench_value gauge'];
  for (let s = 0; s < SERIES; s += 1) {
    for (let t = start; t < end; t += M) {
      const v = 0.35 + 0.3 * Math.sin((t / M + s * 7) / 90) + (((t / M) * 7919 + s * 104729) % 1000) / 1e5;
      lines.push(`bench_value{instance="host-${s}:9100",job="node",mode="user"} ${v} ${t / 1000}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

async function recordBody(): Promise<string> {
  const prometheus = await startPrometheus({ history: history() });
  try {
    const params = new URLSearchParams({ query: 'bench_value', start: String(start / 1000), end: String((end - M) / 1000), step: '60' });
    const response = await fetch(`${prometheus.url}/api/v1/query_range`, { method: 'POST', body: params });
    return await response.text();
  } finally {
    await prometheus.dispose();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** The answer Prometheus gives for the same query `shiftMs` later, when the values repeat. */
function shifted(body: string, shiftMs: number): string {
  return body.replace(/\[(\d+),"/g, (_, seconds: string) => `[${Number(seconds) + shiftMs / 1000},"`);
}

interface Phases {
  rates: number[];
  ratios: number[];
  parse: number[];
  reduce: number[];
  write: number[];
}

/**
 * Before each measurement: a second's pause, then a collected heap (run-benches passes
 * --expose-gc). Whatever ran just before (the raw Appender closing and deleting its database, a
 * parsed answer left as garbage) otherwise spills into the next measurement: in one run the
 * window measured right after the raw Appender took twice as long to parse and to write as the
 * same work one step later.
 */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  (globalThis as { gc?: () => void }).gc?.();
}

const phases = (): Phases => ({ rates: [], ratios: [], parse: [], reduce: [], write: [] });

/** Parses, reduces and writes one window; returns the rows written, with the phases' times recorded. */
async function ingestWindow(warehouse: DuckDbWarehouse, body: string, dataset: string, shiftMs: number, into: Phases): Promise<number> {
  await settle();
  const t0 = performance.now();
  const parsed = parseMatrix(body);
  const t1 = performance.now();
  const series = reduceLabels(parsed, ['instance', 'job']);
  const t2 = performance.now();
  const rows = await warehouse.replaceWindow('default', dataset, { start: start + shiftMs, end: end + shiftMs }, series);
  const t3 = performance.now();
  into.rates.push(rows / ((t3 - t0) / 1000));
  into.parse.push(t1 - t0);
  into.reduce.push(t2 - t1);
  into.write.push(t3 - t2);
  return rows;
}

async function main(): Promise<void> {
  const body = await recordBody();
  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-ingest-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  // fresh: a new dataset each round (no watermark, every series new), the yardstick since the
  // first runs. next: the following window of one dataset, as the ingest job writes it every
  // cycle (past the watermark, series known). again: that window re-ingested (delete and replace).
  const modes = { fresh: phases(), next: phases(), again: phases() };
  const raw: number[] = [];
  let rows = 0;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const shiftMs = round * (end - start);
      const later = shifted(body, shiftMs);
      rows = await ingestWindow(warehouse, body, `bench_${round}`, 0, modes.fresh);
      await ingestWindow(warehouse, later, 'bench', shiftMs, modes.next);
      await ingestWindow(warehouse, later, 'bench', shiftMs, modes.again);
      await settle();
      const rawRate = (await measureAppenderRate(rows, SERIES)).rawRowsPerSecond;
      raw.push(rawRate);
      for (const mode of Object.values(modes)) mode.ratios.push((mode.rates.at(-1) ?? 0) / rawRate);
    }
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
  const { fresh } = modes;
  const lines = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${new Date().toISOString()}`,
    `recorded body: ${(body.length / 1e6).toFixed(1)} MB, ${rows} points (${SERIES} series x ${rows / SERIES} steps)`,
    `end-to-end ingest (parse + validate + reduce labels + replaceWindow), median of ${ROUNDS}: ${Math.round(median(fresh.rates)).toLocaleString('en')} rows/s`,
    `  per window: parse ${median(fresh.parse).toFixed(0)} ms, reduce ${median(fresh.reduce).toFixed(0)} ms, replaceWindow ${median(fresh.write).toFixed(0)} ms`,
    `DuckDB raw Appender (prepared values, data chunks, same row count), median: ${Math.round(median(raw)).toLocaleString('en')} rows/s`,
    `ratio end-to-end / raw Appender, median of the rounds: ${median(fresh.ratios).toFixed(2)}x (goal >= 0.8x); rounds: ${fresh.ratios.map((r) => r.toFixed(2)).join(', ')}`,
    ...(['next', 'again'] as const).map((name) => {
      const mode = modes[name];
      const what = name === 'next' ? 'next window of one dataset' : 'that window re-ingested';
      return `  ${what}: ratio ${median(mode.ratios).toFixed(2)}x, parse ${median(mode.parse).toFixed(0)} ms, replaceWindow ${median(mode.write).toFixed(0)} ms (rounds: ${mode.ratios.map((r) => r.toFixed(2)).join(', ')})`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
