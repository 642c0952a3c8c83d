/**
 * Reading `timestamp,value` CSV text (NAB's format, and what `sextant export` writes). Pure: the
 * caller reads the file. Errors name the file and line, so a user can fix the input.
 */
import { parseNabTimestamp } from './nab/timestamp.js';

export interface TimestampValueRows {
  /** The original text of each row's timestamp and value, to write them back unchanged. */
  timestampText: string[];
  valueText: string[];
  timestamps: number[];
  values: number[];
}

export class CsvFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'CsvFormatError';
  }
}

/**
 * Parses CSV text whose header names a `timestamp` and a `value` column (other columns are
 * ignored). Timestamps: "YYYY-MM-DD HH:MM:SS[.ffffff]", ISO 8601, or Unix seconds/milliseconds.
 * `valueColumn` picks another numeric column (e.g. `anomaly_score` of a detector's output).
 */
export function parseTimestampValueCsv(text: string, file: string, valueColumn = 'value'): TimestampValueRows {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf(valueColumn);
  if (ti < 0 || vi < 0) {
    throw new CsvFormatError(file, 1, `header must name "timestamp" and "${valueColumn}" columns, found "${lines[0] ?? ''}"`);
  }
  const rows: TimestampValueRows = { timestampText: [], valueText: [], timestamps: [], values: [] };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new CsvFormatError(file, i + 1, `expected ${header.length} columns, found ${cells.length}`);
    }
    const tText = cells[ti]!.trim().replace(/^"|"$/g, '');
    const vText = cells[vi]!.trim().replace(/^"|"$/g, '');
    const t = parseTimestamp(tText);
    if (Number.isNaN(t)) throw new CsvFormatError(file, i + 1, `cannot read timestamp "${tText}"`);
    const v = vText === '' ? Number.NaN : Number(vText);
    if (Number.isNaN(v) && vText.toLowerCase() !== 'nan') {
      throw new CsvFormatError(file, i + 1, `${valueColumn} "${vText}" is not a number`);
    }
    rows.timestampText.push(tText);
    rows.valueText.push(vText);
    rows.timestamps.push(t);
    rows.values.push(v);
  }
  return rows;
}

function parseTimestamp(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    // Unix seconds until the year 5138; larger numbers are milliseconds.
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  return parseNabTimestamp(text);
}

export interface WideRows {
  /** The original text of each row's timestamp, to write it back unchanged. */
  timestampText: string[];
  timestamps: number[];
  /** Names of the scored columns, in file order. */
  names: string[];
  /** One array per scored column, one value per row (NaN for an empty cell). */
  columns: Float64Array[];
}

/**
 * Parses a wide CSV: a `timestamp` column and one numeric column per series of a group (a
 * machine, a service). Columns named in `ignore` (compared in lower case, e.g. a `label` column)
 * are left out.
 */
export function parseWideCsv(text: string, file: string, ignore: readonly string[] = []): WideRows {
  const lines = text.split(/\r?\n/);
  while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const lower = header.map((h) => h.toLowerCase());
  const ti = lower.indexOf('timestamp');
  if (ti < 0) throw new CsvFormatError(file, 1, `header must name a "timestamp" column, found "${lines[0] ?? ''}"`);
  const skipped = new Set(ignore.map((c) => c.toLowerCase()));
  const picked = header.map((_, i) => i).filter((i) => i !== ti && !skipped.has(lower[i]!));
  if (picked.length === 0) throw new CsvFormatError(file, 1, 'header names no column to score besides "timestamp"');
  const rows = lines.length - 1;
  const out: WideRows = { timestampText: [], timestamps: [], names: picked.map((i) => header[i]!), columns: picked.map(() => new Float64Array(rows)) };
  let r = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') throw new CsvFormatError(file, i + 1, 'empty line inside the file');
    const cells = line.split(',');
    if (cells.length !== header.length) throw new CsvFormatError(file, i + 1, `expected ${header.length} columns, found ${cells.length}`);
    const tText = cells[ti]!.trim().replace(/^"|"$/g, '');
    const t = parseTimestamp(tText);
    if (Number.isNaN(t)) throw new CsvFormatError(file, i + 1, `cannot read timestamp "${tText}"`);
    for (let k = 0; k < picked.length; k++) {
      const vText = cells[picked[k]!]!.trim().replace(/^"|"$/g, '');
      const v = vText === '' ? Number.NaN : Number(vText);
      if (Number.isNaN(v) && vText.toLowerCase() !== 'nan') throw new CsvFormatError(file, i + 1, `${out.names[k]} "${vText}" is not a number`);
      out.columns[k]![r] = v;
    }
    out.timestampText.push(tText);
    out.timestamps.push(t);
    r++;
  }
  return out;
}
