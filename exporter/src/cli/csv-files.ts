// Finding and reading the CSV files `sextant detect` and `sextant eval` work on: plain or gzipped.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** True for a name ending in .csv or .csv.gz (any case). */
export function isCsvName(name: string): boolean {
  return /\.csv(\.gz)?$/i.test(name);
}

/** A CSV path without its .gz suffix: where its output goes (detect writes plain CSV). */
export function plainCsvName(path: string): string {
  return path.replace(/\.gz$/i, '');
}

/** Every .csv and .csv.gz below `dir`, sorted, leaving out `skip` (an output directory inside the input). */
export async function csvFilesUnder(dir: string, skip?: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== skip) found.push(...(await csvFilesUnder(path, skip)));
    } else if (entry.isFile() && isCsvName(entry.name)) found.push(path);
  }
  return found.sort();
}

/** The text of a CSV file, gunzipped when its name ends in .gz. */
export async function readCsvText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (/\.gz$/i.test(path) ? gunzipSync(bytes) : bytes).toString('utf8');
}
