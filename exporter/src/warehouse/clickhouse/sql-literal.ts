// Values written into ClickHouse SQL as literals. ClickHouse 18.16 has no server-side query
// parameters, so the adapter binds values itself (as Python's clickhouse-driver does): every string
// goes through sqlString, every number through sqlNumber; nothing else reaches the SQL text.

/** A ClickHouse string literal: quotes and backslashes escaped, control characters as \xHH. */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new Error(`sqlString: expected a string, got ${typeof value}`);
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A ClickHouse Float64 or integer literal; NaN and infinities as ClickHouse spells them. */
export function sqlNumber(value: number): string {
  if (typeof value !== 'number') throw new Error(`sqlNumber: expected a number, got ${typeof value}`);
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/** A list of string literals for IN (...). */
export function sqlStrings(values: readonly string[]): string {
  return values.map(sqlString).join(', ');
}
