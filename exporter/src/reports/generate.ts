// One report end to end: read the warehouse, build the report in the core, render it to a file (or a
// folder of per-table files for csv and parquet), count it in the metrics.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report, ReportInput, ReportPeriod } from '@sextant/core/reports';
import type { TimeRange } from '@sextant/core/model';
import type { ReportInputs, ReportSettings } from '../warehouse/report-inputs.js';
import type { ReportFormat } from './formats.js';
import type { ReportMetrics } from './report-metrics.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { writeParquet } from './render-parquet.js';
import { renderPdf } from './render-pdf.js';
import { coreWorkers } from '../worker-pool.js';

export interface GenerateOptions {
  inputs: ReportInputs;
  tenant: string;
  period: ReportPeriod;
  range: TimeRange;
  settings: ReportSettings;
  /** Unix ms, stamped on the report. */
  now: number;
  chromiumPath: string;
  metrics?: ReportMetrics;
  onProgress?: (step: string) => void;
}

export interface WrittenReport {
  report: Report;
  path: string;
  bytes: number;
}

export async function writeReport(report: Report, format: ReportFormat, out: string, chromiumPath: string): Promise<number> {
  if (format === 'html') {
    await writeFile(out, renderHtml(report));
  } else if (format === 'pdf') {
    await writeFile(out, await renderPdf(renderHtml(report), chromiumPath));
  } else if (format === 'xlsx') {
    // In the worker pool: exceljs builds the workbook in one piece (tens of milliseconds for a month's tables).
    await writeFile(out, await coreWorkers.run<Uint8Array>({ module: new URL('./render-xlsx.js', import.meta.url).href, name: 'renderXlsx' }, [report]));
  } else {
    await mkdir(out, { recursive: true });
    if (format === 'csv') for (const t of report.tables) await writeFile(join(out, `${t.name}.csv`), renderCsv(t));
    else await writeParquet(report.tables, (t) => join(out, `${t.name}.parquet`));
    let bytes = 0;
    for (const t of report.tables) bytes += (await stat(join(out, `${t.name}.${format}`))).size;
    return bytes;
  }
  return (await stat(out)).size;
}

export async function generateReport(options: GenerateOptions, format: ReportFormat, out: string): Promise<WrittenReport> {
  const { metrics, onProgress = () => undefined } = options;
  const stopTimer = metrics?.duration.startTimer({ period: options.period, format });
  try {
    onProgress('reading the warehouse');
    const input = await options.inputs.read(options.tenant, options.period, options.range, options.settings, options.now);
    onProgress('building the report');
    // In a worker: a month of a large fleet's alerts and series is seconds of work.
    const report = await coreWorkers.run<Report>({ module: '@sextant/core/reports', name: 'buildReport' }, [input satisfies ReportInput]);
    onProgress(`rendering ${format}`);
    const bytes = await writeReport(report, format, out, options.chromiumPath);
    metrics?.runs.inc({ period: options.period, format, outcome: 'ok' });
    return { report, path: out, bytes };
  } catch (error) {
    metrics?.runs.inc({ period: options.period, format, outcome: 'error' });
    throw error;
  } finally {
    stopTimer?.();
  }
}
