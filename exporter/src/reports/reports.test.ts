// Every format of one small report, read back with the tools a user would use (DuckDB, exceljs,
// pdftotext, Chromium, pdftoppm), against the warehouse queries and an independent computation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import { buildReport, periodRange, type Report } from '@sextant/core/reports';
import type { Series } from '@sextant/core/model';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { generateReport, writeReport } from './generate.js';
import { DuckDbReportQueries } from '../warehouse/duckdb-report-inputs.js';
import { readReportInput } from '../warehouse/report-inputs.js';
import type { ReportSettings } from '../warehouse/report-inputs.js';
import { renderHtml } from './render-html.js';
import { CHROMIUM_ARGS, ChromiumMissingError, DEFAULT_CHROMIUM, renderPdf } from './render-pdf.js';
import { formatCell } from './format-cell.js';

const H = 3_600_000;
const DAY = 24 * H;
const STEP = 5 * 60_000;
const range = periodRange('daily', Date.parse('2026-11-18T00:00:00Z'));
const previousStart = range.start - DAY;
const settings: ReportSettings = { objectives: { api: 0.999 }, defaultObjective: 0.99, capacityThreshold: 0.9 };
const GAP_HOURS = [6, 7, 8];

function series(labels: Record<string, string>, from: number, to: number, value: (t: number) => number | undefined): Series {
  const samples = [];
  for (let t = from; t < to; t += STEP) {
    const v = value(t);
    if (v !== undefined) samples.push({ t, v });
  }
  return { labels, samples };
}
const inCurrent = (t: number) => t >= range.start;
const hourOf = (t: number) => Math.floor((t - range.start) / H);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// Independent expectations, from the same generators as the data.
const upApi = (t: number) => (inCurrent(t) && hourOf(t) === 3 ? 0 : 1);
const rateApi = (t: number) => (inCurrent(t) ? (GAP_HOURS.includes(hourOf(t)) ? undefined : 30 + ((t / STEP) % 3)) : 20);
const currentValues = (f: (t: number) => number | undefined) => series({}, range.start, range.end, f).samples.map((s) => s.v);

let dir: string;
let warehouse: DuckDbWarehouse;
let report: Report;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-reports-'));
  warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  const window = { start: range.start - 7 * DAY, end: range.end };
  const put = (dataset: string, s: Series[]) => warehouse.replaceWindow('t1', dataset, window, s);
  await put('up', [series({ job: 'api' }, previousStart, range.end, upApi), series({ job: 'db' }, previousStart, range.end, () => 1)]);
  await put('http_requests_per_second', [series({ job: 'api', service: 'api' }, previousStart, range.end, rateApi)]);
  await put('http_error_ratio', [series({ job: 'api', service: 'api' }, previousStart, range.end, (t) => (inCurrent(t) ? 0.02 : 0.01))]);
  await put('http_request_duration_p95_seconds', [series({ job: 'api', service: 'api' }, previousStart, range.end, (t) => (inCurrent(t) ? 0.25 : 0.2))]);
  await put('http_request_duration_p99_seconds', [series({ job: 'api', service: 'api' }, previousStart, range.end, () => 0.5)]);
  await put('node_filesystem_used_ratio', [series({ instance: 'host1' }, window.start, range.end, (t) => 0.5 + ((t - window.start) / DAY) * 0.04)]);
  await warehouse.rollup();
  const rateSeries = (await warehouse.handle.read(`SELECT series_id FROM series WHERE tenant = 't1' AND dataset = 'http_requests_per_second'`))[0]!.series_id as number;
  await warehouse.handle.write(async (tx) => {
    const alert = `INSERT INTO alert_events VALUES ('t1', 'fp1', $1, $2, $3, $4, $1, 'webhook', 'HighErrorRate', 'api', 'critical', '{}', '{}', '', 'team', '[]')`;
    await tx.run(alert, [range.start + H, 0, 'firing', null]);
    await tx.run(alert, [range.start + H, 1, 'resolved', range.start + 2 * H]);
    await tx.run(`INSERT INTO anomaly_events VALUES ('t1', 'http_requests_per_second', $1, $2, $3, 0.97, $2, $2, 0.97, 'high', 'seasonal', 45, 30, 27, 33, 6.5, NULL)`, [rateSeries, range.start + 10 * H, range.start + 11 * H]);
  });
  for (const [i, status] of (['ok', 'ok', 'error'] as const).entries()) {
    await warehouse.recordIngestRun({ tenant: 't1', dataset: 'up', window: { start: range.start + i * H, end: range.start + (i + 1) * H }, rows: 24, status, ...(status === 'error' ? { error: 'prometheus: 503' } : {}), durationMs: 5, finishedAt: range.start + (i + 1) * H });
  }
  report = buildReport(await readReportInput(new DuckDbReportQueries(warehouse.handle), 't1', 'daily', range, settings, range.end + H));
});

after(async () => {
  await warehouse.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowOf = (name: string, key: string, value: string) => report.tables.find((t) => t.name === name)!.rows.find((r) => r[key] === value)!;
const close = (a: unknown, b: number, what: string) => assert.ok(Math.abs(Number(a) - b) < 1e-9, `${what}: got ${String(a)}, expected ${b}`);

test('the report model equals an independent computation from the data written', async () => {
  const api = rowOf('services', 'service', 'api');
  close(api.availability, mean(currentValues(upApi)), 'api availability');
  close(api.request_rate, mean(currentValues(rateApi)), 'api request rate');
  close(api.request_rate_change, (mean(currentValues(rateApi)) - 20) / 20, 'request rate change');
  close(api.p95_change, 0.25, 'p95 change');
  assert.equal(api.objective_met, 'no');
  assert.equal(rowOf('services', 'service', 'db').availability, 1);
  // The service row comes straight from the query.
  const queried = (await new DuckDbReportQueries(warehouse.handle).serviceMetrics('t1', range, { start: previousStart, end: range.start })).find((r) => r.service === 'api' && r.metric === 'up' && r.period === 'current')!;
  close(api.availability, queried.mean, 'availability against the query');
  assert.deepEqual(rowOf('alert_rules', 'alertname', 'HighErrorRate'), { alertname: 'HighErrorRate', service: 'api', severity: 'critical', firings: 1, still_firing: 0, firing_hours: 1, mttr_minutes: 60 });
  const ingest = rowOf('ingest', 'dataset', 'http_requests_per_second');
  assert.equal(ingest.gaps, 1);
  assert.equal(ingest.longest_gap_hours, GAP_HOURS.length);
  assert.equal(ingest.first_gap_start, range.start + GAP_HOURS[0]! * H);
  const upIngest = rowOf('ingest', 'dataset', 'up');
  assert.deepEqual([upIngest.runs, upIngest.failed_runs, upIngest.rows, upIngest.last_error], [3, 1, 72, 'prometheus: 503']);
  const capacity = rowOf('capacity', 'entity', '{instance="host1"}');
  // 0.5 + 0.04/day from 7 days before the period's start: 0.9 is reached 10 days after the period ends, give or take an hour of scan step.
  assert.ok(Math.abs(Number(capacity.days_left) - (0.9 - 0.5 - 0.04 * 8) / 0.04) < 0.1, `days left ${String(capacity.days_left)}`);
  assert.equal(report.charts.anomalies[0]!.samples.length > 0, true);
  const summary = report.summary.join('\n');
  assert.match(summary, /Availability: 1 of 2 services met their objective; the lowest was api/);
  assert.match(summary, /1 of \d+ datasets have gaps where data was expected \(the longest 3 h\)/);
  assert.match(summary, /Data: 3 ingest runs, 1 failed/);
});

test('a report of the day running now, from the warehouse: partial, counted up to now, gaps only where data was expected', async () => {
  // Tenant t3 started ingesting at 04:20 of the report's day; "now" is 10:30. Its up series has a
  // sample every 5 minutes since; its cpu series stopped at 08:00. An alert fired a minute ago.
  const now = range.start + 10 * H + 30 * 60_000;
  const started = range.start + 4 * H + 20 * 60_000;
  const window = { start: started, end: now };
  await warehouse.replaceWindow('t3', 'up', window, [series({ job: 'api' }, started, now, () => 1)]);
  await warehouse.replaceWindow('t3', 'node_cpu_utilisation_ratio', window, [series({ instance: 'h' }, started, range.start + 8 * H, () => 0.4)]);
  await warehouse.rollup();
  await warehouse.handle.write((tx) =>
    tx.run(`INSERT INTO alert_events VALUES ('t3', 'fp3', $1, 0, 'firing', NULL, $1, 'webhook', 'JustFired', 'api', 'warning', '{}', '{}', '', 'team', '[]')`, [now - 60_000]),
  );
  const partial = buildReport(await readReportInput(new DuckDbReportQueries(warehouse.handle), 't3', 'daily', range, settings, now));
  assert.equal(partial.partial, true);
  const table = (name: string) => partial.tables.find((t) => t.name === name)!.rows;
  assert.equal(table('alert_rules')[0]!.firing_hours, 1 / 60);
  const ingest = Object.fromEntries(table('ingest').map((r) => [r.dataset, r]));
  // Expected: hours 4 to 9 (first sample at 04:20; 10:00-11:00 is still running; the rest is the future).
  assert.deepEqual([ingest.up!.gaps, ingest.up!.coverage], [0, 1]);
  assert.deepEqual([ingest.node_cpu_utilisation_ratio!.gaps, ingest.node_cpu_utilisation_ratio!.longest_gap_hours, ingest.node_cpu_utilisation_ratio!.coverage], [1, 2, 4 / 6]);
  close(table('services').find((r) => r.service === 'api')!.availability, 1, 'availability so far');
  assert.match(partial.summary[0]!, /^Partial report: this daily period runs to 2026-11-19 00:00 UTC, but the report was made at 2026-11-18 10:30 UTC;/);
  assert.match(partial.summary.join('\n'), /Availability: 1 of 1 services met their objective/);
  const html = renderHtml(partial);
  assert.match(html, /<p class="partial" data-partial>Partial report: /);
  const file = join(dir, 'partial.xlsx');
  await writeReport(partial, 'xlsx', file, DEFAULT_CHROMIUM);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  assert.match(String(book.getWorksheet('Summary')!.getCell('B6').value), /^yes/);
});

test('csv and parquet tables read back through DuckDB equal the report', async () => {
  const csvDir = join(dir, 'csv');
  const pqDir = join(dir, 'parquet');
  await writeReport(report, 'csv', csvDir, DEFAULT_CHROMIUM);
  await writeReport(report, 'parquet', pqDir, DEFAULT_CHROMIUM);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const one = async (sql: string) => (await (await duck.runAndReadAll(sql)).getRowObjectsJS())[0]!;
  const api = rowOf('services', 'service', 'api');
  for (const [reader, file] of [['read_csv', join(csvDir, 'services.csv')], ['read_parquet', join(pqDir, 'services.parquet')]]) {
    const row = await one(`SELECT availability, request_rate, p95, objective_met FROM ${reader}('${file}') WHERE service = 'api'`);
    close(row.availability, api.availability as number, `${reader} availability`);
    close(row.request_rate, api.request_rate as number, `${reader} request rate`);
    close(row.p95, api.p95 as number, `${reader} p95`);
    // DuckDB's CSV sniffer reads yes/no as a boolean; Parquet keeps the text.
    assert.ok(row.objective_met === 'no' || row.objective_met === false, `${reader} objective met: ${String(row.objective_met)}`);
  }
  const anomaly = await one(`SELECT typeof(start) AS type, epoch_ms(start) AS ms, peak_score FROM read_parquet('${join(pqDir, 'anomalies.parquet')}')`);
  assert.equal(anomaly.type, 'TIMESTAMP');
  assert.equal(Number(anomaly.ms), range.start + 10 * H);
  const csvAnomaly = await one(`SELECT epoch_ms(start::TIMESTAMP) AS ms FROM read_csv('${join(csvDir, 'anomalies.csv')}')`);
  assert.equal(Number(csvAnomaly.ms), range.start + 10 * H);
  const gaps = await one(`SELECT gaps, longest_gap_hours FROM read_parquet('${join(pqDir, 'ingest.parquet')}') WHERE dataset = 'http_requests_per_second'`);
  assert.deepEqual([Number(gaps.gaps), Number(gaps.longest_gap_hours)], [1, 3]);
});

test('xlsx: one sheet per table with real numbers, dates and headers with units', async () => {
  const file = join(dir, 'r.xlsx');
  await writeReport(report, 'xlsx', file, DEFAULT_CHROMIUM);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  assert.deepEqual(book.worksheets.map((s) => s.name), ['Summary', ...report.tables.map((t) => t.name)]);
  const sheet = book.getWorksheet('services')!;
  assert.equal(sheet.getCell('B1').value, 'Availability (%)');
  assert.equal(sheet.getCell('E1').value, 'Request rate (req/s)');
  const apiRow = [2, 3].find((r) => sheet.getCell(r, 1).value === 'api')!;
  const api = rowOf('services', 'service', 'api');
  assert.equal(typeof sheet.getCell(apiRow, 2).value, 'number');
  close(sheet.getCell(apiRow, 2).value, api.availability as number, 'xlsx availability');
  close(sheet.getCell(apiRow, 5).value, api.request_rate as number, 'xlsx request rate');
  assert.equal(sheet.getCell(apiRow, 2).numFmt, '0.000%');
  const start = book.getWorksheet('anomalies')!.getCell('C2').value;
  assert.ok(start instanceof Date);
  assert.equal(start.getTime(), range.start + 10 * H);
});

/** Pixels of a PNG that are close to the charts' bar/line blue (#2e86c1), decoded by Chromium itself. */
async function bluePixels(page: import('playwright-core').Page, png: Buffer): Promise<number> {
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 46) < 40 && Math.abs(data[i + 1]! - 134) < 40 && Math.abs(data[i + 2]! - 193) < 40) n++;
    return n;
  }, `data:image/png;base64,${png.toString('base64')}`);
}

test('html: self-contained, the numbers of the tables, and every chart drawn when rendered by Chromium', async () => {
  const html = renderHtml(report);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  const services = report.tables.find((t) => t.name === 'services')!;
  const api = rowOf('services', 'service', 'api');
  assert.ok(html.includes(`<td class="n">${formatCell(api.availability!, services.columns[1]!)}</td>`));
  const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.setContent(html);
    const charts = await page.$$('figure[data-chart] svg');
    assert.equal(charts.length, 2 + report.charts.anomalies.length + report.charts.capacity.length);
    for (const chart of charts) assert.ok((await bluePixels(page, await chart.screenshot())) > 50, 'a chart has no drawn series');
    // Readable on a phone: nothing wider than the viewport except inside the scrolling table boxes.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
  } finally {
    await browser.close();
  }
});

test('pdf: the same numbers through pdftotext, and charts on the pages through pdftoppm', async () => {
  const file = join(dir, 'r.pdf');
  await writeReport(report, 'pdf', file, DEFAULT_CHROMIUM);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const services = report.tables.find((t) => t.name === 'services')!;
  const api = rowOf('services', 'service', 'api');
  assert.ok(text.includes(formatCell(api.availability!, services.columns[1]!)), 'availability missing from the PDF text');
  assert.ok(text.includes(formatCell(api.request_rate!, services.columns[4]!)), 'request rate missing from the PDF text');
  assert.match(text, /HighErrorRate/);
  execFileSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', file, join(dir, 'page')]);
  const ppm = readFileSync(join(dir, 'page-1.ppm'));
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'))!;
  const pixels = ppm.subarray(header[0].length);
  let blue = 0;
  for (let i = 0; i + 2 < pixels.length; i += 3) if (Math.abs(pixels[i]! - 46) < 40 && Math.abs(pixels[i + 1]! - 134) < 40 && Math.abs(pixels[i + 2]! - 193) < 40) blue++;
  assert.ok(blue > 100, `page 1 has ${blue} chart-blue pixels`);
});

test('pdf without Chromium is a clear error', async () => {
  await assert.rejects(renderPdf('<p>x</p>', join(dir, 'no-chromium')), ChromiumMissingError);
});

test('a tenant with no data and an empty period give a clearly worded report in every format', async () => {
  const empty = await generateReport({ inputs: warehouse.reportInputs, tenant: 'nobody', period: 'daily', range, settings, now: range.end, chromiumPath: DEFAULT_CHROMIUM }, 'html', join(dir, 'empty.html'));
  assert.equal(empty.report.hasData, false);
  assert.match(readFileSync(join(dir, 'empty.html'), 'utf8'), /No data: the warehouse holds nothing for tenant &quot;nobody&quot;/);
  const before = periodRange('daily', range.start - 30 * DAY);
  const old = await generateReport({ inputs: warehouse.reportInputs, tenant: 't1', period: 'daily', range: before, settings, now: range.end, chromiumPath: DEFAULT_CHROMIUM }, 'xlsx', join(dir, 'old.xlsx'));
  assert.equal(old.report.hasData, false);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(join(dir, 'old.xlsx'));
  assert.match(String(book.getWorksheet('Summary')!.getCell('B8').value), /^No data/);
  assert.equal(book.getWorksheet('services')!.getCell('A2').value, report.tables[0]!.emptyText);
  await generateReport({ inputs: warehouse.reportInputs, tenant: 'nobody', period: 'daily', range, settings, now: range.end, chromiumPath: DEFAULT_CHROMIUM }, 'parquet', join(dir, 'empty-pq'));
  assert.ok(existsSync(join(dir, 'empty-pq', 'services.parquet')));
});

test('a previous day with 3 hours of data is not compared with, and every format says why in the same words', async () => {
  // Tenant t5 started ingesting at 21:00 the day before the report's day.
  const started = range.start - 3 * H;
  const window = { start: started, end: range.end };
  await warehouse.replaceWindow('t5', 'up', window, [series({ job: 'api' }, started, range.end, () => 1)]);
  await warehouse.replaceWindow('t5', 'http_requests_per_second', window, [series({ job: 'api', service: 'api' }, started, range.end, (t) => (inCurrent(t) ? 12.29 : 10))]);
  await warehouse.rollup();
  const thin = buildReport(await readReportInput(new DuckDbReportQueries(warehouse.handle), 't5', 'daily', range, settings, range.end + H));
  const reason = 'not compared with the previous period (previous day: 3 h of data, this day: 24 h)';
  const api = thin.tables[0]!.rows.find((r) => r.service === 'api')!;
  assert.deepEqual([api.request_rate_change, api.previous_period], [null, reason]);
  assert.match(thin.summary.join('\n'), new RegExp(`^Traffic averaged 12\\.29 req/s, ${reason.replace(/[()]/g, '\\$&')}\\.$`, 'm'));
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  await writeReport(thin, 'html', join(dir, 'thin.html'), DEFAULT_CHROMIUM);
  assert.equal(flat(readFileSync(join(dir, 'thin.html'), 'utf8')).split(reason).length - 1, 2, 'html: in the summary and the services row');
  await writeReport(thin, 'pdf', join(dir, 'thin.pdf'), DEFAULT_CHROMIUM);
  assert.equal(flat(execFileSync('pdftotext', [join(dir, 'thin.pdf'), '-'], { encoding: 'utf8' })).split(reason).length - 1, 2, 'pdf: in the summary and the services row');
  await writeReport(thin, 'xlsx', join(dir, 'thin.xlsx'), DEFAULT_CHROMIUM);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(join(dir, 'thin.xlsx'));
  const cells: string[] = [];
  for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value))));
  assert.equal(cells.filter((c) => c.includes(reason)).length, 2, 'xlsx: in the summary and the services row');
  await writeReport(thin, 'csv', join(dir, 'thin-csv'), DEFAULT_CHROMIUM);
  const csv = readFileSync(join(dir, 'thin-csv', 'services.csv'), 'utf8');
  assert.ok(csv.split('\r\n')[0]!.endsWith(',previous_period'));
  assert.ok(csv.includes(`,"${reason}"\r\n`), csv);
});
