// NAB mode of `sextant eval`: anomaly windows scored with the Numenta Anomaly Benchmark's rules.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import {
  NAB_PROFILES,
  parseNabTimestamp,
  parseTimestampValueCsv,
  prepareNabFile,
  scoreNabProfile,
  type NabProfileResult,
  type PreparedNabFile,
} from '@sextant/core/anomaly';

export interface NabEvalArgs {
  data: string;
  windows: string;
  results: string;
  json?: string | undefined;
  profile?: string[] | undefined;
}

export async function runNabEval(values: NabEvalArgs): Promise<number> {
  const profiles = (values.profile ?? Object.keys(NAB_PROFILES)).flatMap((p) => p.split(',')).filter(Boolean);
  const unknown = profiles.filter((p) => !(p in NAB_PROFILES));
  if (unknown.length) {
    process.stderr.write(`sextant eval: unknown profile ${unknown.join(', ')} (known: ${Object.keys(NAB_PROFILES).join(', ')})\n`);
    return 2;
  }
  let corpus;
  try {
    corpus = await loadCorpus(values.data, values.windows, values.results);
  } catch (error) {
    process.stderr.write(`sextant eval: ${(error as Error).message}\n`);
    return 2;
  }
  const { files, scores } = corpus;
  for (const f of files) for (const w of f.warnings) process.stderr.write(`warning: ${w}\n`);
  const results: Record<string, NabProfileResult> = {};
  const rows = files.reduce((s, f) => s + f.n, 0);
  const windows = files.reduce((s, f) => s + f.windows.length, 0);
  process.stdout.write(`NAB scoring: ${files.length} files, ${rows} rows, ${windows} windows, results=${values.results}\n`);
  process.stdout.write(`${'profile'.padEnd(20)} ${'score'.padStart(8)} ${'raw'.padStart(10)} ${'threshold'.padStart(10)} ${'winTP'.padStart(6)} ${'winFN'.padStart(6)} ${'FProws'.padStart(7)}\n`);
  for (const name of profiles) {
    const r = scoreNabProfile(files, scores, NAB_PROFILES[name]!);
    results[name] = r;
    const thr = r.threshold === null ? 'never' : r.threshold.toPrecision(6);
    process.stdout.write(
      `${name.padEnd(20)} ${r.score.toFixed(3).padStart(8)} ${r.raw.toFixed(4).padStart(10)} ${thr.padStart(10)} ${String(r.counts.windowsDetected).padStart(6)} ${String(r.counts.windowsMissed).padStart(6)} ${String(r.counts.fp).padStart(7)}\n`,
    );
  }
  if (values.json) {
    await writeFile(values.json, JSON.stringify({ files: files.map((f) => f.name), n_rows: rows, n_windows: windows, profiles: results }, null, 1));
  }
  return 0;
}

async function loadCorpus(dataDir: string, windowsFile: string, resultsDir: string): Promise<{ files: PreparedNabFile[]; scores: Map<string, number[]> }> {
  let labels: Record<string, [string, string][]>;
  try {
    labels = JSON.parse(await readFile(windowsFile, 'utf8')) as Record<string, [string, string][]>;
  } catch (error) {
    throw new Error(`cannot read windows file ${windowsFile}: ${(error as Error).message}`);
  }
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new Error(`${windowsFile}: expected an object of file -> windows`);
  const detector = basename(normalize(resultsDir));
  const files: PreparedNabFile[] = [];
  const scores = new Map<string, number[]>();
  const problems: string[] = [];
  for (const rel of Object.keys(labels).sort()) {
    const dataPath = join(dataDir, rel);
    if (!existsSync(dataPath)) {
      problems.push(`missing data file ${dataPath}`);
      continue;
    }
    const resultPath = [join(resultsDir, rel), join(resultsDir, dirname(rel), `${detector}_${basename(rel)}`)].find((p) => existsSync(p));
    if (!resultPath) {
      problems.push(`missing detector output for ${rel}`);
      continue;
    }
    const data = parseTimestampValueCsv(await readFile(dataPath, 'utf8'), dataPath);
    const result = parseTimestampValueCsv(await readFile(resultPath, 'utf8'), resultPath, 'anomaly_score');
    if (result.values.length !== data.values.length) {
      problems.push(`${rel}: ${data.values.length} data rows but ${result.values.length} result rows`);
      continue;
    }
    const windows = (labels[rel] ?? []).map(([a, b], k) => {
      const range = [parseNabTimestamp(String(a)), parseNabTimestamp(String(b))] as const;
      if (range.some(Number.isNaN)) throw new Error(`${windowsFile}: ${rel}: window ${k + 1} has an unreadable timestamp`);
      return range;
    });
    files.push(prepareNabFile({ name: rel, timestamps: data.timestamps, windows }));
    scores.set(rel, result.values);
  }
  if (problems.length) throw new Error(problems.join('\n'));
  if (files.length === 0) throw new Error(`no data files listed in ${windowsFile}`);
  return { files, scores };
}
