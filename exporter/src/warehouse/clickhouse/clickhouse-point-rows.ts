// Points read back from ClickHouse as TabSeparated text (`series_id`, `ts`, `value` per line)
// instead of JSONEachRow: the score job reads every new point of its share each run, and parsing a
// JSON object per point cost it about as much CPU as scoring the point. A line that is not three
// fields with integer ids and times (a server error written into the body mid-stream) is refused.
import type { PointBatch } from '../anomaly-store.js';

/** ClickHouse's TabSeparated spellings of the IEEE specials (18.16 and current: nan, inf, -inf). */
const SPECIAL: Record<string, number> = { nan: NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity };

function float(text: string): number {
  const n = text === '' ? NaN : Number(text);
  if (!Number.isNaN(n)) return n;
  const special = SPECIAL[text.toLowerCase()];
  if (special === undefined) throw new Error(`ClickHouse: "${text}" is not a number`);
  return special;
}

function integer(text: string, line: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || text === '') throw new Error(`ClickHouse: unexpected line in a points result: ${JSON.stringify(line.slice(0, 500))}`);
  return n;
}

/** Appends the complete lines of `text` (each ending in a newline) to `batch`. */
export function appendPointLines(batch: PointBatch, text: string): void {
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) throw new Error('ClickHouse: a points result ended inside a line');
    const line = text.slice(start, end);
    const a = line.indexOf('\t');
    const b = a < 0 ? -1 : line.indexOf('\t', a + 1);
    if (b < 0 || line.indexOf('\t', b + 1) >= 0) throw new Error(`ClickHouse: unexpected line in a points result: ${JSON.stringify(line.slice(0, 500))}`);
    batch.seriesIds.push(integer(line.slice(0, a), line));
    batch.ts.push(integer(line.slice(a + 1, b), line));
    batch.values.push(float(line.slice(b + 1)));
    start = end + 1;
  }
}
