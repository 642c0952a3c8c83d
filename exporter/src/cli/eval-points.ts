// Point-label mode of `sextant eval`: alarms judged against runs of 1s in a label column.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { evaluatePointLabels, parseTimestampValueCsv, type LabelledScores, type PointEvalMetrics } from '@sextant/core/anomaly';
import { csvFilesUnder, plainCsvName, readCsvText } from './csv-files.js';

export interface PointEvalArgs {
  labels: string;
  results: string;
  labelColumn: string;
  scoreColumn: string;
  threshold: number;
  history: number;
  json?: string | undefined;
}

export async function runPointEval(args: PointEvalArgs): Promise<number> {
  let series: LabelledScores[];
  try {
    series = await loadLabelledScores(args);
  } catch (error) {
    process.stderr.write(`sextant eval: ${(error as Error).message}\n`);
    return 2;
  }
  const result = evaluatePointLabels(series, { threshold: args.threshold, history: args.history });
  process.stdout.write(`point labels: ${series.length} files, threshold ${args.threshold}, history ${args.history}, results=${args.results}\n`);
  process.stdout.write(`${'file'.padEnd(32)} ${'incidents'.padStart(9)} ${'found'.padStart(6)} ${'alarms'.padStart(7)} ${'true'.padStart(5)} ${'recall'.padStart(7)} ${'precision'.padStart(9)} ${'F1'.padStart(6)} ${'delay_min'.padStart(9)} ${'false/series-week'.padStart(17)}\n`);
  for (const row of [...result.perSeries, { name: 'total', ...result }]) process.stdout.write(`${formatRow(row.name, row)}\n`);
  if (args.json) await writeFile(args.json, JSON.stringify(result, null, 1));
  return 0;
}

function formatRow(name: string, m: PointEvalMetrics): string {
  const num = (x: number, width: number, digits = 3) => (Number.isNaN(x) ? '-' : x.toFixed(digits)).padStart(width);
  return [
    name.padEnd(32),
    String(m.incidents).padStart(9),
    String(m.detected).padStart(6),
    String(m.alarms).padStart(7),
    String(m.trueAlarms).padStart(5),
    num(m.recall, 7),
    num(m.precision, 9),
    num(m.f1, 6),
    num(m.meanDelayMs / 60_000, 9, 1),
    num(m.falseAlarmsPerSeriesWeek, 17, 2),
  ].join(' ');
}

/** Every results file with its labels: same relative path under the labels directory, plain or gzipped. */
async function loadLabelledScores(args: PointEvalArgs): Promise<LabelledScores[]> {
  const resultsDir = resolve(args.results);
  let files: string[];
  try {
    files = await csvFilesUnder(resultsDir);
  } catch (error) {
    throw new Error(`cannot read results directory ${args.results}: ${(error as Error).message}`);
  }
  if (files.length === 0) throw new Error(`no .csv files under ${args.results}`);
  const problems: string[] = [];
  const series: LabelledScores[] = [];
  for (const file of files) {
    const rel = plainCsvName(relative(resultsDir, file));
    const labelPath = [join(args.labels, rel), join(args.labels, `${rel}.gz`)].find((p) => existsSync(p));
    if (!labelPath) {
      problems.push(`no labels for ${rel} (looked for ${join(args.labels, rel)}[.gz])`);
      continue;
    }
    const scores = parseTimestampValueCsv(await readCsvText(file), file, args.scoreColumn.toLowerCase());
    const labels = parseTimestampValueCsv(await readCsvText(labelPath), labelPath, args.labelColumn.toLowerCase());
    if (scores.values.length !== labels.values.length) {
      problems.push(`${rel}: ${labels.values.length} labelled rows but ${scores.values.length} result rows`);
      continue;
    }
    const mismatch = scores.timestamps.findIndex((t, i) => t !== labels.timestamps[i]);
    if (mismatch >= 0) {
      problems.push(`${rel}: row ${mismatch + 2} has timestamp ${scores.timestampText[mismatch]} in the results but ${labels.timestampText[mismatch]} in the labels`);
      continue;
    }
    series.push({ name: rel, timestamps: scores.timestamps, labels: labels.values, scores: scores.values });
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return series;
}
