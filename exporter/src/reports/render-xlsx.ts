// The report as an Excel workbook: a Summary sheet, then one sheet per table with real numbers and
// dates (not strings), headers with units, ratios stored as 0..1 and shown as percentages.
import ExcelJS from 'exceljs';
import type { Report, ReportColumn } from '@sextant/core/reports';
import { headerOf } from './format-cell.js';

const numFmt = (c: ReportColumn): string | undefined => (c.kind === 'ratio' ? '0.000%' : c.kind === 'time' ? 'yyyy-mm-dd hh:mm' : c.kind === 'number' ? '0.000' : undefined);

export async function renderXlsx(report: Report): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Sextant';
  book.created = new Date(report.generatedAt);
  const summary = book.addWorksheet('Summary');
  summary.columns = [{ width: 22 }, { width: 120 }];
  summary.addRow(['Tenant', report.tenant]);
  summary.addRow(['Period', report.period]);
  summary.addRow(['From (UTC)', new Date(report.range.start)]);
  summary.addRow(['To (UTC)', new Date(report.range.end)]);
  summary.addRow(['Generated (UTC)', new Date(report.generatedAt)]);
  summary.addRow(['Partial', report.partial ? 'yes: the period was not over; nothing after the time generated counts' : 'no']);
  for (const r of [3, 4, 5]) summary.getCell(r, 2).numFmt = 'yyyy-mm-dd hh:mm';
  summary.addRow([]);
  report.summary.forEach((line, i) => summary.addRow([i === 0 ? 'Summary' : '', line]));
  summary.getColumn(1).font = { bold: true };

  for (const table of report.tables) {
    const sheet = book.addWorksheet(table.name);
    sheet.columns = table.columns.map((c) => ({ header: headerOf(c), key: c.key, width: Math.max(12, headerOf(c).length + 2), style: numFmt(c) ? { numFmt: numFmt(c) as string } : {} }));
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const row of table.rows) {
      sheet.addRow(Object.fromEntries(table.columns.map((c) => {
        const v = row[c.key] ?? null;
        return [c.key, v !== null && c.kind === 'time' ? new Date(v as number) : v];
      })));
    }
    if (!table.rows.length) sheet.addRow({ [table.columns[0]?.key ?? 'x']: table.emptyText });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
