// Development loop for the detector: scores the NAB split in-process and prints the three profiles.
// usage: npx tsx scripts/nab-dev.ts ['{"likelihood":{"window":5}}'] [--per-file] [--out DIR]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_UNIVARIATE_OPTIONS,
  NAB_PROFILES,
  optimiseThreshold,
  parseNabTimestamp,
  parseTimestampValueCsv,
  prepareNabFile,
  scoreNabProfile,
  scoreSeries,
  type UnivariateOptions,
} from '../src/anomaly/index.js';

const root = new URL('../../shared/datasets/nab/', import.meta.url).pathname;
const windows = JSON.parse(readFileSync(join(root, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
const override = process.argv[2] && process.argv[2].startsWith('{') ? JSON.parse(process.argv[2]) : {};
const options = merge(DEFAULT_UNIVARIATE_OPTIONS, override) as UnivariateOptions;

function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return b ?? a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

const files = [];
const scores = new Map<string, Float64Array>();
const t0 = performance.now();
let points = 0;
for (const rel of Object.keys(windows).sort()) {
  const rows = parseTimestampValueCsv(readFileSync(join(root, 'data', rel), 'utf8'), rel);
  points += rows.values.length;
  scores.set(rel, scoreSeries(rows.timestamps, rows.values, options));
  files.push(prepareNabFile({ name: rel, timestamps: rows.timestamps, windows: windows[rel]!.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const) }));
}
const t1 = performance.now();
for (const [name, w] of Object.entries(NAB_PROFILES)) {
  const r = scoreNabProfile(files, scores, w);
  console.log(`${name.padEnd(20)} ${r.score.toFixed(2).padStart(7)} thr=${r.threshold?.toPrecision(6)} winTP=${r.counts.windowsDetected} winFN=${r.counts.windowsMissed} FP=${r.counts.fp}`);
  if (process.argv.includes('--per-file') && name === 'standard') {
    for (const f of r.perFile) console.log(`   ${f.file.padEnd(58)} raw=${f.raw.toFixed(3).padStart(8)} det=${f.windowsDetected} miss=${f.windowsMissed} fp=${f.fp}`);
  }
}
// Halves: a change tuned on one half of the files must also help the other half. Each half is scored
// with its own best threshold and with the one chosen on the other half (truly held out).
const half = (parity: number) => {
  const w = NAB_PROFILES.standard!;
  const own = files.filter((_, i) => i % 2 === parity);
  const other = files.filter((_, i) => i % 2 !== parity);
  const heldOut = scoreNabProfile(own, scores, w, optimiseThreshold(other, scores, w)).score;
  return `${scoreNabProfile(own, scores, w).score.toFixed(2)} (other half's threshold ${heldOut.toFixed(2)})`;
};
console.log(`standard on halves: odd files ${half(1)}, even files ${half(0)}`);
console.log(`${points} points scored in ${(t1 - t0).toFixed(0)} ms (incl. parsing)`);
const outIndex = process.argv.indexOf('--out');
if (outIndex > 0) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const out = process.argv[outIndex + 1]!;
  for (const [rel, sc] of scores) {
    const rows = parseTimestampValueCsv(readFileSync(join(root, 'data', rel), 'utf8'), rel);
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    const lines = rows.timestampText.map((t, i) => `${t},${rows.valueText[i]},${sc[i]}`);
    writeFileSync(join(out, rel), `timestamp,value,anomaly_score\n${lines.join('\n')}\n`);
  }
}
