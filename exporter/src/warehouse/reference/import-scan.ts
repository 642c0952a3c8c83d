// A first pass over a CSV or NDJSON file before DuckDB reads it: the column names, the line each
// record starts on (so that errors name lines, which DuckDB's readers do not always get right), and
// structural errors (a row with the wrong number of fields, an unclosed quote, a line that is not
// a JSON object) named by line. Reads the file as a stream: memory does not grow with its size.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { shownValue } from '../../shown-value.js';
import { checkReferenceName, ImportError } from './reference-store.js';
import { LineMap } from './line-map.js';

export interface ScannedFile {
  columns: string[];
  records: number;
  lines: LineMap;
}

type Progress = ((bytesDone: number, bytesTotal: number) => void) | undefined;

async function* chunksOf(file: string, onProgress: Progress): AsyncGenerator<string> {
  const total = (await stat(file)).size;
  let done = 0;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 });
  for await (const chunk of stream as AsyncIterable<string>) {
    done += Buffer.byteLength(chunk);
    onProgress?.(Math.min(done, total), total);
    yield chunk;
  }
}

function columnNames(names: string[], where: string): string[] {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    checkReferenceName(name, `${where}: column ${i + 1}`);
    // DuckDB's identifiers ignore case: Team and team would be one column.
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) throw new ImportError(`${where}: columns ${earlier + 1} and ${i + 1} are both named ${JSON.stringify(name)} (names ignore case)`);
    seen.set(name.toLowerCase(), i);
  });
  return names;
}

/**
 * CSV as RFC 4180 with a header row: fields separated by commas, quoted with " (doubled inside),
 * records ending in LF or CRLF; blank lines are skipped, as DuckDB skips them.
 */
export async function scanCsv(file: string, onProgress?: Progress): Promise<ScannedFile> {
  const lines = new LineMap();
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let fields = 1;
  let empty = true;
  let record = -1; // the header
  let header: string[] | undefined;
  let field = '';
  const headerFields: string[] = [];
  let first = true;
  const endRecord = (): void => {
    if (empty) return; // a blank line
    if (!header) {
      headerFields.push(field.replace(/\r$/, ''));
      header = columnNames(headerFields, `line ${recordLine} (the header)`);
    } else {
      if (fields !== header.length) {
        throw new ImportError(`line ${recordLine}: ${fields} fields, but the header has ${header.length} (${header.join(', ')})`);
      }
      lines.note(record, recordLine);
    }
    record++;
  };
  for await (let chunk of chunksOf(file, onProgress)) {
    if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    first = false;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10 /* \n */) {
        line++;
        if (inQuotes) {
          if (!header) field += '\n';
          continue;
        }
        endRecord();
        fields = 1;
        empty = true;
        field = '';
        recordLine = line;
        continue;
      }
      if (empty && c === 13 /* \r before \n */) continue;
      empty = false;
      if (c === 34 /* " */) inQuotes = !inQuotes;
      else if (c === 44 /* , */ && !inQuotes) {
        fields++;
        if (!header) {
          headerFields.push(field);
          field = '';
        }
      } else if (!header) field += chunk[i];
    }
  }
  if (inQuotes) throw new ImportError(`line ${recordLine}: a quoted field starts in this record and is never closed`);
  endRecord();
  if (!header) throw new ImportError('the file is empty: expected a header row naming the columns');
  return { columns: header, records: record, lines };
}

/** Newline-delimited JSON: one object per line; blank lines are skipped. Columns: every key, in order of first appearance. */
export async function scanNdjson(file: string, onProgress?: Progress): Promise<ScannedFile> {
  const lines = new LineMap();
  const keys = new Set<string>();
  let line = 0;
  let record = 0;
  let rest = '';
  const take = (text: string): void => {
    line++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ImportError(`line ${line}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ImportError(`line ${line}: expected a JSON object {"column": value, ...}, got ${Array.isArray(value) ? 'an array' : shownValue(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!keys.has(key)) {
        checkReferenceName(key, `line ${line}: key`);
        keys.add(key);
      }
    }
    lines.note(record++, line);
  };
  for await (const chunk of chunksOf(file, onProgress)) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) take(part);
  }
  if (rest !== '') take(rest);
  if (keys.size === 0) throw new ImportError('the file holds no JSON objects');
  return { columns: columnNames([...keys], 'the objects\' keys'), records: record, lines };
}
