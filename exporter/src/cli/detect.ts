// `sextant detect --input-dir DIR --output-dir DIR`: scores every CSV under DIR (recursively):
// a `timestamp,value` file as one series, a wide file (`timestamp` plus one column per series of a
// group) with the group detector, and writes the scores at the same relative path.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CsvFormatError, parseTimestampValueCsv, parseWideCsv, scoreSeries, scoreWide } from '@sextant/core/anomaly';
import { csvFilesUnder, plainCsvName, readCsvText } from './csv-files.js';

const USAGE = `usage: sextant detect --input-dir DIR --output-dir DIR [--ignore COLUMN]...

Scores every CSV (.csv or .csv.gz) under the input directory (recursively) with Sextant's streaming
detectors (causal: a row's score uses only it and earlier rows) and writes plain CSV at the same
relative path under the output directory (without .gz):
  - a file with "timestamp" and "value" columns is one series: "timestamp,value,anomaly_score";
  - any other file with a "timestamp" column is a wide file, one column per series of a group (a
    machine, a service), scored with the group detector (a detector per column plus the isolation
    forest over them, as the service scores a group): "timestamp,anomaly_score,max_series_score,
    blame,<column>..." with the group's alarm score (the second-highest column peak within 15
    minutes, at a row where two columns depart by 14 sigmas, or a column's value beyond its range:
    one column's spike alone does not raise the group; a column's alarm that kept rising after it
    was raised counts once it reaches 0.99), the largest of the columns' scores, the
    columns to blame (most first, separated by spaces) and each column's score (a column's lone
    alarm is held until it persists or another column corroborates it).
  --ignore COLUMN   a wide file's column not to score (repeatable; default: label)
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'input-dir': { type: 'string' },
        'output-dir': { type: 'string' },
        ignore: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`sextant detect: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const inputDir = values['input-dir'];
  const outputDir = values['output-dir'];
  if (!inputDir || !outputDir) {
    process.stderr.write(`sextant detect: --input-dir and --output-dir are required\n\n${USAGE}`);
    return 2;
  }
  const ignore = values.ignore ?? ['label'];
  let files: string[];
  try {
    files = await csvFilesUnder(resolve(inputDir), resolve(outputDir));
  } catch (error) {
    process.stderr.write(`sextant detect: cannot read input directory ${inputDir}: ${(error as Error).message}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(`sextant detect: no .csv files under ${inputDir}\n`);
    return 2;
  }
  let failed = 0;
  let points = 0;
  for (const file of files) {
    const rel = plainCsvName(relative(resolve(inputDir), file));
    try {
      const text = await readCsvText(file);
      const scored = isSingleSeries(text) ? scoreSingle(text, file) : scoreWideFile(text, file, ignore);
      const out = join(resolve(outputDir), rel);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, scored.csv);
      points += scored.points;
    } catch (error) {
      failed++;
      const reason = error instanceof CsvFormatError ? error.message : `${file}: ${(error as Error).message}`;
      process.stderr.write(`sextant detect: ${reason}\n`);
    }
  }
  process.stdout.write(`scored ${points} points in ${files.length - failed} of ${files.length} files into ${outputDir}\n`);
  return failed ? 1 : 0;
}

/** A file whose header names a `value` column, or has no `timestamp` column (then it is rejected as one). */
function isSingleSeries(text: string): boolean {
  const header = text.slice(0, text.indexOf('\n') >>> 0).split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  return header.includes('value') || !header.includes('timestamp');
}

function scoreSingle(text: string, file: string): { csv: string; points: number } {
  const rows = parseTimestampValueCsv(text, file);
  const scores = scoreSeries(rows.timestamps, rows.values);
  const lines = rows.timestampText.map((t, i) => `${t},${rows.valueText[i]},${scores[i]}\n`);
  return { csv: `timestamp,value,anomaly_score\n${lines.join('')}`, points: rows.values.length };
}

function scoreWideFile(text: string, file: string, ignore: readonly string[]): { csv: string; points: number } {
  const rows = parseWideCsv(text, file, ignore);
  const scored = scoreWide(rows.timestamps, rows.columns);
  const lines = rows.timestampText.map((t, r) => {
    const blame = scored.blame[r]!.map((k) => rows.names[k]).join(' ');
    return `${t},${scored.group[r]},${scored.maxSeries[r]},${blame},${scored.columns.map((c) => c[r]).join(',')}\n`;
  });
  const header = `timestamp,anomaly_score,max_series_score,blame,${rows.names.join(',')}\n`;
  return { csv: header + lines.join(''), points: rows.timestamps.length * rows.names.length };
}
