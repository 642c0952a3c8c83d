// End-to-end ingest rate: a query_range answer recorded from the real Prometheus (500 series, a 6h
// window at a 1m step: the default ingest chunk) parsed, validated, reduced to its kept labels and
// written through replaceWindow, against DuckDB's raw Appender rate measured in the same run
// (goal: at least 0.8x). The two alternate round by round, so the machine's load (shared by many)
// weighs on both alike; the ratio is the median of the rounds' ratios.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reduceLabels } from '../exporter/src/sources/prometheus-labels.js';
import { parseMatrix } from '../exporter/src/sources/prometheus-response.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';
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

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const body = await recordBody();
  const dir = await mkdtemp(join(tmpdir(), 'sextant-bench-ingest-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  const rates: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  const phases = { parse: [] as number[], reduce: [] as number[], write: [] as number[] };
  let rows = 0;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const t0 = performance.now();
      const parsed = parseMatrix(body);
      const t1 = performance.now();
      const series = reduceLabels(parsed, ['instance', 'job']);
      const t2 = performance.now();
      // A new dataset each round: every round writes a fresh window, as ingest does.
      rows = await warehouse.replaceWindow('default', `bench_${round}`, { start, end }, series);
      const t3 = performance.now();
      rates.push(rows / ((t3 - t0) / 1000));
      raw.push((await measureAppenderRate(rows, SERIES)).rawRowsPerSecond);
      ratios.push((rates.at(-1) ?? 0) / (raw.at(-1) ?? 1));
      phases.parse.push(t1 - t0);
      phases.reduce.push(t2 - t1);
      phases.write.push(t3 - t2);
    }
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
  const ingest = median(rates);
  const lines = [
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString()}`,
    `recorded body: ${(body.length / 1e6).toFixed(1)} MB, ${rows} points (${SERIES} series x ${rows / SERIES} steps)`,
    `end-to-end ingest (parse + validate + reduce labels + replaceWindow), median of ${ROUNDS}: ${Math.round(ingest).toLocaleString('en')} rows/s`,
    `  per window: parse ${median(phases.parse).toFixed(0)} ms, reduce ${median(phases.reduce).toFixed(0)} ms, replaceWindow ${median(phases.write).toFixed(0)} ms`,
    `DuckDB raw Appender (prepared values, data chunks, same row count), median: ${Math.round(median(raw)).toLocaleString('en')} rows/s`,
    `ratio end-to-end / raw Appender, median of the rounds: ${median(ratios).toFixed(2)}x (goal >= 0.8x); rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
