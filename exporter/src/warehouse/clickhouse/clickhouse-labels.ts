// Series labels on ClickHouse: two arrays on the series row (Map needs ClickHouse 21.1), and label
// matchers over them with the meaning they have on DuckDB.
import { sqlString } from './sql-literal.js';

/** A label's value on the series row, '' when the series lacks it. */
export function labelValue(label: string): string {
  return `arrayElement(label_values, indexOf(label_names, ${sqlString(label)}))`;
}

/** `=`, `!=`, `=~`, `!~` on a label, regular expressions (RE2) anchored at both ends as DuckDB's regexp_full_match. */
export function labelMatchSql(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  return matchSql(labelValue(label), op, value);
}

/** `=`, `!=`, `=~`, `!~` on the text `actual` (a label's value, a reference column's text). */
export function matchSql(actual: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  const anchored = sqlString(`^(?:${value})$`);
  switch (op) {
    case '=':
      return `${actual} = ${sqlString(value)}`;
    case '!=':
      return `${actual} != ${sqlString(value)}`;
    case '=~':
      return `match(${actual}, ${anchored})`;
    case '!~':
      return `NOT match(${actual}, ${anchored})`;
  }
}
