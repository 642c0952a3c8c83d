// The plugin in a real browser: the harness page mounts each page and panel with the Grafana theme and
// @grafana/runtime's services; requests go through a loopback server that plays Grafana's data proxy
// (adding the token as plugin.json's routes say) to a running `sextant serve` on the demo data. Only
// the alerts routes, not served on main yet, come from a stand-in in front of it (stub-sextant.ts).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';
import { startGrafanaProxy, type GrafanaProxy } from './support/grafana-proxy.js';
import { buildHarness } from './support/harness-bundle.js';
import { DIST, PLUGIN_ROOT } from './support/paths.js';
import { startSextant, type SextantService } from './support/sextant-service.js';
import { startStubSextant, type StubSextant } from './support/stub-sextant.js';

const SCREENSHOTS = join(PLUGIN_ROOT, 'tests', 'output', 'screenshots');
const THEMES = ['dark', 'light'] as const;
const PAGES = ['overview', 'anomalies', 'predictions', 'recommendations', 'alerts', 'rules', 'reports'] as const;
/** What each page shows once its data has loaded. */
const LOADED: Record<(typeof PAGES)[number] | 'config', string> = {
  overview: '[data-testid="overview-anomaly-count"]',
  anomalies: '[data-testid="anomaly-list"]',
  predictions: '[data-testid^="prediction-list"]',
  rules: '[data-testid="rules-yaml"]',
  recommendations: '[data-testid="recommendation-list"]',
  alerts: '[data-testid="alert-analytics"]',
  reports: '[data-testid="report-list"]',
  config: '[data-testid="app-config"]',
};

let service: SextantService;
let sextant: StubSextant;
let TOKEN: string;
let grafana: GrafanaProxy;
let browser: Browser;
let page: Page;
let harness: string;
const now = Date.now();

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${sextant.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

/** Polls the service until `check` holds for its answer (the demo's stages run every few seconds). */
async function until<T>(path: string, check: (body: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 240; attempt++) {
    const body = await api<T>(path);
    if (check(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${path}: the service never gave the awaited answer`);
}

/** Sextant's own answer, asked directly with the token (what the page must show). */
async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${sextant.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

/** What the page logged and requested since the current view was shown. */
let seen = { errors: [] as string[], requests: [] as string[] };

/** Shows a view in the one harness page (loading the bundle once keeps the tests fast). */
async function open(view: string, theme: 'dark' | 'light', extra: Record<string, string> = {}) {
  seen = { errors: [], requests: [] };
  const query = new URLSearchParams({ view, theme, ...extra }).toString();
  await page.evaluate((search) => (window as unknown as { harness: { show(s: string): void } }).harness.show(search), query);
  return seen;
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  service = await startSextant();
  TOKEN = service.token;
  sextant = await startStubSextant(service.url, TOKEN, now);
  // Scoring and recommending run on the demo's history within seconds of the first ingest.
  await until<{ anomalies: unknown[] }>(`/api/v1/anomalies?from=${now - 24 * 3_600_000}&to=${now + 3_600_000}`, (b) => b.anomalies.length > 0);
  await until<{ recommendations: unknown[] }>('/api/v1/recommendations', (b) => b.recommendations.length >= 2);
  harness = await buildHarness();
  grafana = await startGrafanaProxy({
    dist: DIST,
    staticDirs: [join(PLUGIN_ROOT, 'tests', 'harness'), harness],
    app: { jsonData: { url: sextant.url, prometheusUid: 'prometheus' }, secureJsonData: { token: TOKEN } },
    datasource: { jsonData: { url: sextant.url }, secureJsonData: { token: TOKEN } },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(`console: ${message.text()} at ${message.location().url}`);
  });
  page.on('pageerror', (error) => seen.errors.push(`exception: ${error.message}`));
  page.on('request', (request) => seen.requests.push(`${request.url()} ${JSON.stringify(request.headers())}`));
  await page.goto(`${grafana.url}/?view=overview&theme=dark`);
  await page.waitForFunction(() => 'harness' in window);
});

after(async () => {
  await browser?.close();
  await grafana?.close();
  await sextant?.close();
  await service?.stop();
  if (harness) rmSync(harness, { recursive: true, force: true });
});

describe('every page renders its data in both themes, with no console errors', () => {
  for (const theme of THEMES) {
    for (const view of [...PAGES, 'config'] as const) {
      test(`${view} (${theme})`, async () => {
        const { errors, requests } = await open(view, theme);
        await page.waitForSelector(LOADED[view]);
        await screenshot(page, `${view}-${theme}`);
        assert.deepEqual(errors, []);
        assert.ok(!requests.some((r) => r.includes(TOKEN)), 'the token never reaches the browser');
          });
    }
  }
});

test('the anomalies page lists the service\'s anomalies of the last 24 hours, paginated and filterable', async () => {
  // The page asks for the window ending when it opens; the service is asked the same, just before.
  const to = Date.now() + 60_000;
  const { anomalies } = await api<{ anomalies: Array<{ severity: string }> }>(`/api/v1/anomalies?from=${to - 24 * 3_600_000 - 120_000}&to=${to}&limit=1000`);
  const { errors } = await open('anomalies', 'dark');
  await page.waitForSelector('[data-testid="anomaly-list"]');
  const shown = Number((await page.locator('[data-testid="anomaly-list"]').getByText(/ of \d+ anomalies/).innerText()).split(' ')[0]);
  assert.ok(Math.abs(shown - anomalies.length) <= 2, `the page shows ${shown}, the service has ${anomalies.length}`);
  const rows = Math.min(15, shown);
  assert.equal(await page.locator('[data-testid="anomaly-list"] tbody tr').count(), rows, 'at most 15 a page');
  // Each row's sparkline asks the warehouse for the series around the event: a line and its peak.
  await page.locator('[data-testid="anomaly-list"] [data-testid="band-chart"] polyline').nth(rows - 1).waitFor();
  assert.equal(await page.locator('[data-testid="anomaly-list"] [data-testid="band-chart"] circle').count(), rows);
  await screenshot(page, 'anomalies-with-sparklines-dark');
  const severity = anomalies[0]!.severity;
  await page.getByRole('radio', { name: severity[0]!.toUpperCase() + severity.slice(1) }).click({ force: true });
  const matching = await page.locator('[data-testid="anomaly-list"] tbody tr').count();
  assert.equal(await page.locator(`[data-testid="anomaly-list"] tbody tr:has-text("${severity}")`).count(), matching, 'the filter keeps only that severity');
  assert.ok(await page.locator('a[href^="/explore"]').first().isVisible(), 'an Explore link per anomaly');
  assert.deepEqual(errors, []);
});

test('apply and dismiss change the recommendation\'s state in the service', async () => {
  const before = await api<{ recommendations: Array<{ id: string; status: string }> }>('/api/v1/recommendations?status=open');
  const [first, second] = before.recommendations;
  assert.ok(first && second);
  const { errors } = await open('recommendations', 'dark');
  await page.waitForSelector('[data-testid="recommendation-list"]');
  await page.locator(`[data-testid="recommendation-${first.id}"]`).getByRole('button', { name: 'Apply' }).click();
  await page.locator(`[data-testid="recommendation-${first.id}"]`).waitFor({ state: 'detached' });
  const card = page.locator(`[data-testid="recommendation-${second.id}"]`);
  await card.getByRole('button', { name: 'Dismiss' }).click();
  await card.waitFor({ state: 'detached' });
  const afterAll = await api<{ recommendations: Array<{ id: string; status: string }> }>('/api/v1/recommendations?status=open,applied,dismissed,expired');
  const status = (id: string) => afterAll.recommendations.find((r) => r.id === id)?.status;
  assert.equal(status(first.id), 'applied');
  assert.equal(status(second.id), 'dismissed');
  assert.deepEqual(errors, []);
});

test('the data source\'s frames are drawn by the anomaly panel: one chart per series of the warehouse, a mark per anomaly', async () => {
  const from = now - 24 * 3_600_000;
  const bi = { dataset: 'http_requests_per_second', measures: ['avg'], groupBy: ['service'], filters: [], bucket: '1h' };
  const targets = [{ refId: 'A', kind: 'bi', ...bi }, { refId: 'B', kind: 'anomalies' }];
  const { anomalies } = await api<{ anomalies: Array<{ dataset: string; peakAt: string }> }>(`/api/v1/anomalies?from=${from}&to=${now}&limit=1000&dataset=http_requests_per_second`);
  // Hourly rollups land on the rollup job's next run after the first ingest: wait for them.
  const query = () => post<{ frames: Array<{ fields: Array<{ values: unknown[] }> }> }>('/api/v1/query', { ...bi, range: { start: from, end: now } });
  let frames = await query();
  for (let attempt = 0; attempt < 60 && frames.frames.length <= 1; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    frames = await query();
  }
  assert.ok(frames.frames.length > 1, 'the demo has several services');
  for (const theme of THEMES) {
    const { errors } = await open('panel-anomaly', theme, {
      targets: JSON.stringify(targets),
      from: String(from),
      to: String(now),
      options: JSON.stringify({ maxSeries: 10, showLegend: true }),
    });
    await page.waitForSelector('[data-testid="anomaly-panel"]');
    assert.equal(await page.locator('[data-testid="band-chart"]').count(), frames.frames.length, 'one chart per service');
    const drawn = await page.locator('polyline[data-testid="series"]').evaluateAll((lines) =>
      lines.reduce((sum, line) => sum + (line.getAttribute('points') ?? '').trim().split(' ').length, 0)
    );
    const points = frames.frames.reduce((sum, f) => sum + f.fields[1]!.values.filter((v) => v !== null).length, 0);
    assert.equal(drawn, points, 'every hourly average of the warehouse is a point of a line');
    assert.equal(await page.locator('circle[data-testid^="anomaly-"]').count(), anomalies.length);
    await screenshot(page, `panel-anomaly-${theme}`);
    assert.deepEqual(errors, []);
  }
});

test('the recommendations panel shows the data source\'s recommendations frame', async () => {
  // Every status: the panel shows them all when onlyOpen is off (the test above applied and dismissed some).
  const { recommendations } = await api<{ recommendations: Array<{ status: string }> }>('/api/v1/recommendations?status=open,applied,dismissed,expired');
  assert.ok(recommendations.length > 0, 'the demo has recommendations');
  const { errors } = await open('panel-recommendations', 'light', {
    targets: JSON.stringify([{ refId: 'A', kind: 'recommendations' }]),
    options: JSON.stringify({ onlyOpen: false, pageSize: 50 }),
  });
  await page.waitForSelector('[data-testid="recommendations-panel"]');
  assert.equal(await page.locator('[data-testid="recommendation-card"]').count(), recommendations.length);
  await screenshot(page, 'panel-recommendations-light');
  assert.deepEqual(errors, []);
});

test('the configuration page tests the connection through the proxy, and a wrong token fails it', async () => {
  const { errors } = await open('config', 'dark');
  await page.waitForSelector('[data-testid="app-config"]');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText(/Connected to Sextant: \d+ datasets/).waitFor();

  await page.getByRole('button', { name: 'Reset' }).click();
  await page.locator('#sextant-token').fill('wrong-token');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  assert.equal(grafana.app.secureJsonData.token, 'wrong-token', 'the settings API stored the new token');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText(/failed \(401\)/).waitFor();
  assert.deepEqual(
    errors.filter((e) => !e.includes('401')),
    [],
    'only the expected 401 is reported'
  );
  grafana.app.secureJsonData.token = TOKEN;
});

test('the data proxy, not the browser, added the token to every request Sextant received', () => {
  assert.ok(grafana.forwarded.length > 0);
  assert.ok(grafana.forwarded.every((r) => r.authorization?.startsWith('Bearer ')));
});
