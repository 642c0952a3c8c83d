// How a cell reads in text formats (HTML, PDF): ratios as percentages, times in UTC, numbers rounded.
import type { Cell, ReportColumn } from '@sextant/core/reports';

export function formatCell(value: Cell, column: ReportColumn): string {
  if (value === null) return '–';
  if (typeof value === 'string') return value;
  if (column.kind === 'ratio') return `${(value * 100).toFixed(3)}%`;
  if (column.kind === 'time') return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}

export function headerOf(column: ReportColumn): string {
  return column.unit ? `${column.label} (${column.unit})` : column.label;
}
