// Measures the detector's quality with the one parameter set the service ships, and writes the
// tables into bench/results/anomaly.md (between the quality markers):
//   - SMD (../shared/datasets/smd): every machine streamed from the top with the group detector, its
//     test half judged on point labels at the event threshold, per machine and in total, both as the
//     group's score and as the maximum of the per-series scores;
//   - NAB development split (../shared/datasets/nab): standard / low-FP / low-FN, and
//     leave-one-category-out (the threshold chosen on the other categories, the left-out one scored).
// usage: npx tsx scripts/anomaly-quality.ts [--smd] [--nab] [--write] ['{"alarm":{"level":0.5}}']
// (no --smd / --nab: both; a JSON argument overrides univariate options, for experiments only)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_EVENT_OPTIONS,
  DEFAULT_GROUP_OPTIONS,
  DEFAULT_UNIVARIATE_OPTIONS,
  evaluatePointLabels,
  NAB_PROFILES,
  normaliseNab,
  optimiseThreshold,
  parseNabTimestamp,
  parseTimestampValueCsv,
  parseWideCsv,
  prepareNabFile,
  scoreAtThreshold,
  scoreNabProfile,
  scoreSeries,
  scoreWide,
  type LabelledScores,
  type NabWeights,
  type PointEvalMetrics,
  type PreparedNabFile,
  type UnivariateOptions,
} from '../src/anomaly/index.js';

const shared = new URL('../../shared/datasets/', import.meta.url).pathname;
const args = process.argv.slice(2);
const override = args.find((a) => a.startsWith('{'));
const univariate = merge(DEFAULT_UNIVARIATE_OPTIONS, override ? JSON.parse(override) : {}) as UnivariateOptions;
const runSmd = args.includes('--smd') || !args.includes('--nab');
const runNab = args.includes('--nab') || !args.includes('--smd');
const threshold = DEFAULT_EVENT_OPTIONS.threshold;

function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return b ?? a;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

const fmt = (x: number, digits = 3) => (Number.isNaN(x) ? '-' : x.toFixed(digits));
const sections: string[] = [];

if (runSmd) {
  const machines = ['machine-1-6', 'machine-1-7', 'machine-2-1', 'machine-2-2', 'machine-2-7', 'machine-2-8', 'machine-3-3', 'machine-3-4'];
  const group: LabelledScores[] = [];
  const maxSeries: LabelledScores[] = [];
  let points = 0;
  const t0 = performance.now();
  for (const name of machines) {
    const text = gunzipSync(readFileSync(join(shared, 'smd', `${name}.csv.gz`))).toString('utf8');
    const wide = parseWideCsv(text, name);
    const li = wide.names.indexOf('label');
    const labels = wide.columns[li]!;
    const columns = wide.columns.filter((_, k) => k !== li);
    const scored = scoreWide(wide.timestamps, columns, { ...DEFAULT_GROUP_OPTIONS, univariate });
    points += wide.timestamps.length * columns.length;
    group.push({ name, timestamps: wide.timestamps, labels, scores: scored.group });
    maxSeries.push({ name, timestamps: wide.timestamps, labels, scores: scored.maxSeries });
    process.stderr.write(`${name} scored\n`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const g = evaluatePointLabels(group, { threshold, history: 0.5 });
  const m = evaluatePointLabels(maxSeries, { threshold, history: 0.5 });
  const row = (name: string, a: PointEvalMetrics, b: PointEvalMetrics) =>
    `| ${name} | ${a.incidents} | ${a.detected} / ${fmt(a.recall, 2)} | ${a.trueAlarms}/${a.alarms} = ${fmt(a.precision, 2)} | ${fmt(a.f1, 2)} | ${fmt(a.meanDelayMs / 60_000, 1)} | ${fmt(a.falseAlarmsPerSeriesWeek, 1)} | ${b.detected} / ${fmt(b.recall, 2)} | ${b.trueAlarms}/${b.alarms} = ${fmt(b.precision, 2)} | ${fmt(b.f1, 2)} | ${fmt(b.meanDelayMs / 60_000, 1)} | ${fmt(b.falseAlarmsPerSeriesWeek, 1)} |`;
  sections.push(
    [
      `### SMD (8 machines x 38 metrics, test halves judged, threshold ${threshold})`,
      '',
      'Each machine streamed from its first row (the training half is history: the detector learns from it,',
      'it is not judged). "group" = the group detector\'s alarm (38 univariate detectors, two alarming within 15 minutes',
      'at a step where two depart by 14 sigmas, or one out of its range; a member\'s alarm that kept rising in its own quiet',
      'counts once it reaches 0.99; the isolation forest scores members only),',
      '"max" = the highest of the 38 per-series scores (each member\'s served score: a lone alarm must persist or be corroborated).',
      'Found = incidents with an alarm inside (recall);',
      'precision = alarm runs that touch an incident; delay in minutes; false = alarms touching no incident',
      'per week of healthy time (the whole machine counts as one series here).',
      '',
      '| machine | incidents | group: found / recall | group: precision | group: F1 | group: delay | group: false/week | max: found / recall | max: precision | max: F1 | max: delay | max: false/week |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...g.perSeries.map((a, i) => row(a.name, a, m.perSeries[i]!)),
      row('**total**', g, m),
      '',
      `(${(points / 1e6).toFixed(1)} M points in ${seconds.toFixed(0)} s wall time, group detector, incl. parsing.)`,
    ].join('\n'),
  );
}

if (runNab) {
  const root = join(shared, 'nab');
  const windows = JSON.parse(readFileSync(join(root, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const files: PreparedNabFile[] = [];
  const scores = new Map<string, Float64Array>();
  for (const rel of Object.keys(windows).sort()) {
    const rows = parseTimestampValueCsv(readFileSync(join(root, 'data', rel), 'utf8'), rel);
    scores.set(rel, scoreSeries(rows.timestamps, rows.values, univariate));
    files.push(prepareNabFile({ name: rel, timestamps: rows.timestamps, windows: windows[rel]!.map(([a, b]) => [parseNabTimestamp(a), parseNabTimestamp(b)] as const) }));
  }
  const profiles = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
  const results = profiles.map((p) => scoreNabProfile(files, scores, NAB_PROFILES[p]!));
  const categories = [...new Set(files.map((f) => basename(dirname(f.name))))];
  const scoreOf = (subset: readonly PreparedNabFile[], w: NabWeights, thr: number) => {
    const { total } = scoreAtThreshold(subset, scores, w, thr);
    return { score: normaliseNab(total.raw, w, subset).score, fp: total.fp, threshold: thr };
  };
  // Leave one category out: the threshold chosen on the other categories scores the left-out one;
  // compared with the category's own best threshold and with the split's threshold (the shipped run).
  const loco = (profile: (typeof profiles)[number], category: string) => {
    const w = NAB_PROFILES[profile]!;
    const inside = files.filter((f) => basename(dirname(f.name)) === category);
    const others = files.filter((f) => basename(dirname(f.name)) !== category);
    const split = results[profiles.indexOf(profile)]!.threshold ?? Infinity;
    return {
      own: scoreOf(inside, w, optimiseThreshold(inside, scores, w)),
      split: scoreOf(inside, w, split),
      heldOut: scoreOf(inside, w, optimiseThreshold(others, scores, w)),
      windows: inside.reduce((s, f) => s + f.windows.length, 0),
      files: inside.length,
    };
  };
  const thr = (x: number) => (x === Infinity ? 'never' : x.toFixed(3));
  const locoRows = categories.map((c) => {
    const s = loco('standard', c);
    const l = loco('reward_low_FP_rate', c);
    const cell = (r: typeof s) =>
      r.windows === 0
        ? `FP rows ${r.own.fp} @${thr(r.own.threshold)} | FP rows ${r.split.fp} @${thr(r.split.threshold)} | FP rows ${r.heldOut.fp} @${thr(r.heldOut.threshold)}`
        : `${fmt(r.own.score, 1)} @${thr(r.own.threshold)} | ${fmt(r.split.score, 1)} @${thr(r.split.threshold)} | ${fmt(r.heldOut.score, 1)} @${thr(r.heldOut.threshold)} (${fmt(r.heldOut.score - r.own.score, 1)} / ${fmt(r.heldOut.score - r.split.score, 1)})`;
    return `| ${c} (${s.files} files, ${s.windows} windows) | ${cell(s)} | ${cell(l)} |`;
  });
  // Halves: files alternately (sorted by name) in the odd and even half; each half scored with its own
  // best threshold and with the threshold chosen on the other half (held out).
  const halves = profiles.map((p) => {
    const w = NAB_PROFILES[p]!;
    const odd = files.filter((_, i) => i % 2 === 1);
    const even = files.filter((_, i) => i % 2 === 0);
    const tOdd = optimiseThreshold(odd, scores, w);
    const tEven = optimiseThreshold(even, scores, w);
    return `| ${p} | ${fmt(scoreOf(odd, w, tOdd).score, 2)} | ${fmt(scoreOf(odd, w, tEven).score, 2)} | ${fmt(scoreOf(even, w, tEven).score, 2)} | ${fmt(scoreOf(even, w, tOdd).score, 2)} |`;
  });
  sections.push(
    [
      '### NAB development split (31 files, 53 windows)',
      '',
      '| profile | score | threshold chosen | windows detected | FP rows |',
      '|---|---|---|---|---|',
      ...results.map((r, i) => `| ${profiles[i]} | ${fmt(r.score, 2)} | ${r.threshold?.toPrecision(4) ?? 'never'} | ${r.counts.windowsDetected} / ${r.counts.windowsDetected + r.counts.windowsMissed} | ${r.counts.fp} |`),
      '',
      'Halves (the files sorted by name, alternately odd and even): each half with its own best threshold,',
      'and with the threshold chosen on the other half.',
      '',
      '| profile | odd files | odd, other half\'s threshold | even files | even, other half\'s threshold |',
      '|---|---|---|---|---|',
      ...halves,
      '',
      'Leave one category out: the threshold is chosen on the other four categories and the left-out one is',
      'scored with it ("held out"), against the same category with its own best threshold ("own") and with',
      'the threshold chosen on the whole split ("split", what the shipped run scores it with). The',
      'difference is given against both (own / split). For artificialNoAnomaly (nothing to find, so no',
      'normalised score) the FP rows.',
      '',
      '| category | standard: own | standard: split | standard: held out (diff own / split) | low FP: own | low FP: split | low FP: held out (diff own / split) |',
      '|---|---|---|---|---|---|---|',
      ...locoRows,
    ].join('\n'),
  );
}

const text = sections.join('\n\n');
console.log(text);
if (args.includes('--write')) {
  const path = new URL('../bench/results/anomaly.md', import.meta.url).pathname;
  const begin = '<!-- quality:begin (scripts/anomaly-quality.ts --write) -->';
  const end = '<!-- quality:end -->';
  const old = readFileSync(path, 'utf8');
  const dated = `${begin}\n## Quality (${new Date().toISOString().slice(0, 16)}Z, \`npx tsx scripts/anomaly-quality.ts --write\`)\n\n${text}\n${end}`;
  const i = old.indexOf(begin);
  const j = old.indexOf(end);
  writeFileSync(path, i >= 0 && j > i ? old.slice(0, i) + dated + old.slice(j + end.length) : `${old.trimEnd()}\n\n${dated}\n`);
}
