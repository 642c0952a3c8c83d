// The tables behind the report as CSV (RFC 4180): one file per table, machine-friendly headers (the
// column keys), ratios as 0..1, times as ISO 8601 UTC, empty cells for missing values.
import type { Cell, ReportColumn, ReportTable } from '@sextant/core/reports';

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvCell(value: Cell, column: ReportColumn): string {
  if (value === null) return '';
  if (column.kind === 'time' && typeof value === 'number') return new Date(value).toISOString();
  return csvField(String(value));
}

export function renderCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => csvField(c.key)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c.key] ?? null, c)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
