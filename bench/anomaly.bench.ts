// Times are CPU time of this single-threaded process (process.cpuUsage), i.e. one core's work.
// Anomaly scoring: univariate throughput on one core (points/s, goal >= 2M), detector state bytes
// per series (goal <= 2 KB), isolation forest fit + score for 100k points x 4 features (goal: well
// under a second), and the NAB scores on the development split (standard, low FP, low FN).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GroupDetector,
  IsolationForest,
  NAB_PROFILES,
  parseNabTimestamp,
  parseTimestampValueCsv,
  prepareNabFile,
  scoreNabProfile,
  scoreSeries,
  UnivariateDetector,
} from '../src/anomaly/index.js';
import { seededRandom } from '../src/stats/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** CPU time of this process in ms: on a machine shared by many, wall time mostly measures the others. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function testSeries(): { t: Float64Array; v: Float64Array } {
  const random = seededRandom(1);
  const n = 200_000;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    v[i] = 100 + 20 * Math.sin((2 * Math.PI * i) / 1440) + random() * 5 + (i % 5000 === 0 ? 80 : 0);
  }
  return { t, v };
}

/**
 * Points/s of the scorer, and of a fixed reference loop (an EWMA z-score with one Math.log per
 * point) over the same points in the same run: on a shared machine the ratio of the two says more
 * about the scorer than either absolute number.
 */
function throughput(): { rate: number; referenceRate: number } {
  const { t, v } = testSeries();
  const n = v.length;
  const rates: number[] = [];
  const referenceRates: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const series = 10;
    const started = cpuMs();
    for (let s = 0; s < series; s++) {
      const d = new UnivariateDetector();
      for (let i = 0; i < n; i++) sink += d.update(t[i]!, v[i]!);
    }
    rates.push((series * n) / ((cpuMs() - started) / 1000));
    const referenceStarted = cpuMs();
    for (let s = 0; s < series; s++) sink += referenceLoop(v);
    referenceRates.push((series * n) / ((cpuMs() - referenceStarted) / 1000));
  }
  if (Number.isNaN(sink)) throw new Error('scores must be numbers'); // keeps the loops from being optimised away
  return { rate: median(rates), referenceRate: median(referenceRates) };
}

function referenceLoop(v: Float64Array): number {
  let mean = v[0]!;
  let spread = 1;
  let total = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i]! - mean;
    mean += 0.1 * r;
    spread += 0.01 * (Math.abs(r) - spread);
    total += Math.log(1 + Math.abs(r) / spread);
  }
  return total;
}

function forest(): { fitMs: number; scoreMs: number } {
  const random = seededRandom(2);
  const rows = 100_000;
  const data = new Float64Array(rows * 4);
  for (let i = 0; i < data.length; i++) data[i] = random() + random() + random();
  const fits: number[] = [];
  const scores: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = cpuMs();
    const f = IsolationForest.fit(data, 4, { trees: 100, sampleSize: 256, seed: r + 1 });
    const b = cpuMs();
    f.scoreAll(data);
    const c = cpuMs();
    fits.push(b - a);
    scores.push(c - b);
  }
  return { fitMs: median(fits), scoreMs: median(scores) };
}

/** A service's group of 6 series (as the live job scores it): points/s including the forest and its refits. */
function group(): number {
  const { t, v } = testSeries();
  const size = 6;
  const steps = 50_000;
  const values = new Float64Array(size);
  const rates: number[] = [];
  for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
    const g = new GroupDetector(size);
    const started = cpuMs();
    for (let i = 0; i < steps; i++) {
      for (let k = 0; k < size; k++) values[k] = v[(i + 997 * k) % v.length]! * (1 + k);
      g.update(t[i]!, values);
    }
    rates.push((steps * size) / ((cpuMs() - started) / 1000));
  }
  return median(rates);
}

function nab(): Record<string, number> {
  const root = join(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'datasets', 'nab');
  const windows = JSON.parse(readFileSync(join(root, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const files: ReturnType<typeof prepareNabFile>[] = [];
  const scores = new Map<string, Float64Array>();
  for (const rel of Object.keys(windows).sort()) {
    const rows = parseTimestampValueCsv(readFileSync(join(root, 'data', rel), 'utf8'), rel);
    scores.set(rel, scoreSeries(rows.timestamps, rows.values));
    files.push(prepareNabFile({ name: rel, timestamps: rows.timestamps, windows: windows[rel]!.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const) }));
  }
  return Object.fromEntries(Object.entries(NAB_PROFILES).map(([name, w]) => [name, scoreNabProfile(files, scores, w).score]));
}

const { rate, referenceRate } = throughput();
const stateBytes = new UnivariateDetector().state.byteLength;
const f = forest();
const groupRate = group();
const scores = nab();
console.log(`univariate throughput: ${(rate / 1e6).toFixed(2)} M points/s (goal >= 3)`);
console.log(`reference loop in the same run: ${(referenceRate / 1e6).toFixed(2)} M points/s; scorer/reference = ${(rate / referenceRate).toFixed(3)}`);
console.log(`state per series: ${stateBytes} bytes (goal <= 2048)`);
console.log(`isolation forest 100k x 4, 100 trees: fit ${f.fitMs.toFixed(0)} ms + score ${f.scoreMs.toFixed(0)} ms = ${(f.fitMs + f.scoreMs).toFixed(0)} ms`);
console.log(`group of 6 series (univariate + isolation forest, refit every 256 steps): ${(groupRate / 1e6).toFixed(2)} M points/s`);
console.log(`NAB dev split: standard ${scores.standard!.toFixed(2)} / low FP ${scores.reward_low_FP_rate!.toFixed(2)} / low FN ${scores.reward_low_FN_rate!.toFixed(2)}`);
