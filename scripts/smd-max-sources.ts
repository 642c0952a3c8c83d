// Which served alarm makes each alarm run of SMD's per-series maximum (analysis only, not shipped).
// usage: npx tsx scripts/smd-max-sources.ts ['{"trust":{...}}']  (JSON overrides group options)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_GROUP_OPTIONS, GroupDetector, evaluatePointLabels, parseWideCsv, type GroupOptions, type LabelledScores } from '../src/anomaly/index.js';

const shared = new URL('../../shared/datasets/', import.meta.url).pathname;
const override = process.argv.slice(2).find((a) => a.startsWith('{'));
function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return b ?? a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}
const options = merge(DEFAULT_GROUP_OPTIONS, override ? JSON.parse(override) : {}) as GroupOptions;
const machines = (process.env.MACHINES ?? 'machine-1-6,machine-1-7,machine-2-1,machine-2-2,machine-2-7,machine-2-8,machine-3-3,machine-3-4').split(',');
const SOURCES = ['drift alone', 'corroborated', 'persisted', 'out-of-range alone', 'forest', 'own', 'mixed'];
const table = new Map<string, { t: number; f: number; by: Record<string, number> }>();
const all: LabelledScores[] = [];
const groups: LabelledScores[] = [];
for (const name of machines) {
  const wide = parseWideCsv(gunzipSync(readFileSync(join(shared, 'smd', `${name}.csv.gz`))).toString('utf8'), name);
  const li = wide.names.indexOf('label');
  const labels = wide.columns[li]!;
  const columns = wide.columns.filter((_, k) => k !== li);
  const g = new GroupDetector(columns.length, options);
  const n = wide.timestamps.length;
  const top = new Float64Array(n);
  const grp = new Float64Array(n);
  const src = new Uint8Array(n);
  const member = new Int16Array(n);
  const values = new Float64Array(columns.length);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < columns.length; k++) values[k] = columns[k]![r]!;
    const points = g.update(wide.timestamps[r]!, values);
    let best = -1;
    let s = 0;
    for (let k = 0; k < points.length; k++) if (points[k]!.score > s) { s = points[k]!.score; best = k; }
    top[r] = s;
    grp[r] = g.score;
    member[r] = best;
    if (best >= 0) {
      const p = points[best]!;
      src[r] = p.detector === 'isolation-forest' ? 4 : p.evidence?.persisted ? 2 : p.evidence?.members ? 1 : p.detector === 'out-of-range' ? 3 : p.detector === 'drift' ? 0 : 5;
    }
  }
  writeFileSync(`/tmp/smdmax2/${name}.json`, JSON.stringify({ top: Array.from(top), src: Array.from(src), member: Array.from(member) }));
  all.push({ name, timestamps: wide.timestamps, labels, scores: top });
  groups.push({ name, timestamps: wide.timestamps, labels, scores: grp });
  const start = Math.ceil(0.5 * n);
  for (let i = start; i < n; ) {
    if (top[i]! < 0.8) { i++; continue; }
    let touches = false;
    const kinds = new Set<number>();
    let end = i;
    for (; end < n && top[end]! >= 0.8; end++) { touches ||= labels[end]! >= 0.5; kinds.add(src[end]!); }
    const kind = kinds.size === 1 ? SOURCES[[...kinds][0]!]! : 'mixed';
    const row = table.get(kind) ?? { t: 0, f: 0, by: {} };
    if (touches) row.t++; else { row.f++; row.by[name] = (row.by[name] ?? 0) + 1; }
    table.set(kind, row);
    i = end;
  }
  process.stderr.write(`${name} done\n`);
}
const m = evaluatePointLabels(all, { threshold: 0.8, history: 0.5 });
const gm = evaluatePointLabels(groups, { threshold: 0.8, history: 0.5 });
const f = (x: number) => x.toFixed(3);
const dev = (rs: typeof m.perSeries) => { const c = rs.reduce((a, r) => ({ i: a.i + r.incidents, d: a.d + r.detected, al: a.al + r.alarms, t: a.t + r.trueAlarms }), { i: 0, d: 0, al: 0, t: 0 }); const R = c.d / c.i, P = c.t / c.al; return `${c.d}/${c.i}=${f(R)} / ${c.t}/${c.al}=${f(P)} / ${f(2 * R * P / (R + P))}`; };
for (const [label, r] of [['max', m], ['group', gm]] as const) {
  console.log(`${label}: all ${dev(r.perSeries)}; dev ${dev(r.perSeries.filter((s) => !s.name.startsWith('machine-3')))}; 3-x ${dev(r.perSeries.filter((s) => s.name.startsWith('machine-3')))}`);
  console.log('  ' + r.perSeries.map((s) => `${s.name.slice(8)} ${s.detected}/${s.incidents} ${s.trueAlarms}/${s.alarms} F1 ${f(s.f1)}`).join('; '));
}
for (const [k, r] of table) console.log(`| ${k} | ${r.t} | ${r.f} | ${machines.map((x) => r.by[x] ?? 0).join(', ')} |`);
