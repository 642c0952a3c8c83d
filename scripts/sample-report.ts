// Generates the sample weekly report under docs/reports/ from the demo data: fills a scratch warehouse
// with two weeks of the demo scenario (metrics, alerts, anomaly events), then writes the HTML, a PNG of
// the first screen of it on a phone, the PDF's pages as PNG, and the XLSX.
// Run after `npm run build`:  npx tsx scripts/sample-report.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { periodRange } from '@sextant/core/reports';
import { demoAlertObservations } from '../exporter/src/alerts/demo-alerts.js';
import { DEFAULT_SCORING_OPTIONS, scoreTenant } from '../exporter/src/jobs/score.js';
import { generateReport } from '../exporter/src/reports/generate.js';
import { renderHtml } from '../exporter/src/reports/render-html.js';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from '../exporter/src/reports/render-pdf.js';
import { createDemoSource, demoDatasets } from '../exporter/src/sources/demo-source.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';

const DAY = 86_400_000;
const STEP_MS = 5 * 60_000;
const SEED = 1;
const TENANT = 'default';
const week = periodRange('weekly', Date.parse('2026-11-16T00:00:00Z'));
const from = week.start - 7 * DAY;
const out = join(import.meta.dirname, '..', 'docs', 'reports');

const dir = mkdtempSync(join(tmpdir(), 'sextant-sample-'));
const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS, now: () => week.end });
try {
  const source = createDemoSource({ seed: SEED, now: () => week.end });
  const datasets = demoDatasets(TENANT).map((d) => ({ ...d, stepMs: STEP_MS }));
  for (const dataset of datasets) {
    for (let t = from; t < week.end; t += DAY) {
      const window = { start: t, end: t + DAY };
      const series = await source.queryRange(dataset, window);
      const rows = await warehouse.replaceWindow(TENANT, dataset.name, window, series);
      await warehouse.recordIngestRun({ tenant: TENANT, dataset: dataset.name, window, rows, status: 'ok', durationMs: 1, finishedAt: window.end });
    }
    process.stderr.write(`filled ${dataset.name}\n`);
  }
  await warehouse.alerts.record(demoAlertObservations(SEED, TENANT, from, week.end));
  await warehouse.alerts.loaded();
  const anomalies = warehouse.anomalies;
  await scoreTenant(anomalies, TENANT, datasets, { ...DEFAULT_SCORING_OPTIONS, maxPointsPerRun: 10_000_000 });
  await warehouse.rollup();
  mkdirSync(out, { recursive: true });
  const settings = { objectives: {}, defaultObjective: 0.99, capacityThreshold: 0.9 };
  const common = { inputs: warehouse.reportInputs, tenant: TENANT, period: 'weekly' as const, range: week, settings, now: week.end + 6 * 3_600_000, chromiumPath: DEFAULT_CHROMIUM };
  const { report } = await generateReport(common, 'html', join(out, 'sample-weekly.html'));
  await generateReport(common, 'xlsx', join(out, 'sample-weekly.xlsx'));
  await generateReport(common, 'pdf', join(dir, 'sample-weekly.pdf'));
  for (const f of readdirSync(out)) if (/^sample-weekly-(pdf-page|phone|desktop)/.test(f)) unlinkSync(join(out, f));
  execFileSync('pdftoppm', ['-png', '-r', '60', join(dir, 'sample-weekly.pdf'), join(out, 'sample-weekly-pdf-page')]);
  const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM, args: CHROMIUM_ARGS });
  try {
    for (const [name, viewport] of [['phone', { width: 390, height: 844 }]] as const) {
      const page = await browser.newPage({ viewport });
      await page.setContent(renderHtml(report));
      writeFileSync(join(out, `sample-weekly-${name}.png`), await page.screenshot());
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stderr.write(`wrote ${out}\n${report.summary.join('\n')}\n`);
} finally {
  await warehouse.close();
  rmSync(dir, { recursive: true, force: true });
}
