// `sextant detect --input-dir DIR --output-dir DIR`: scores every `timestamp,value` CSV under DIR
// (recursively) and writes `timestamp,value,anomaly_score` at the same relative path.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CsvFormatError, parseTimestampValueCsv, scoreSeries } from '@sextant/core/anomaly';

const USAGE = `usage: sextant detect --input-dir DIR --output-dir DIR

Scores every CSV with a "timestamp,value" header under the input directory (recursively) with
Sextant's streaming detector (causal: a point's score uses only it and earlier points) and writes
"timestamp,value,anomaly_score" (score in [0,1]) at the same relative path under the output directory.
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { 'input-dir': { type: 'string' }, 'output-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
    const rel = relative(resolve(inputDir), file);
    try {
      const rows = parseTimestampValueCsv(await readFile(file, 'utf8'), file);
      const scores = scoreSeries(rows.timestamps, rows.values);
      const lines = rows.timestampText.map((t, i) => `${t},${rows.valueText[i]},${scores[i]}`);
      const out = join(resolve(outputDir), rel);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `timestamp,value,anomaly_score\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
      points += rows.values.length;
    } catch (error) {
      failed++;
      const reason = error instanceof CsvFormatError ? error.message : `${file}: ${(error as Error).message}`;
      process.stderr.write(`sextant detect: ${reason}\n`);
    }
  }
  process.stdout.write(`scored ${points} points in ${files.length - failed} of ${files.length} files into ${outputDir}\n`);
  return failed ? 1 : 0;
}

/** Every .csv below `dir`, sorted, leaving out the output directory when it lies inside the input. */
async function csvFilesUnder(dir: string, skip: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== skip) found.push(...(await csvFilesUnder(path, skip)));
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) found.push(path);
  }
  return found.sort();
}
