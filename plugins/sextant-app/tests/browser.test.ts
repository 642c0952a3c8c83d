// The plugin in a real browser: the harness page mounts each page and panel with the Grafana theme and
// @grafana/runtime's services; requests go through a loopback server that plays Grafana's data proxy
// (adding the token as plugin.json's routes say) to a running `sextant serve` on the demo data.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { APP_PAGES } from '../src/common/pageNav.js';
import type { ROUTES } from '../src/constants.js';
import { launchChromium } from './support/browser.js';
import { startGrafanaProxy, type GrafanaProxy } from './support/grafana-proxy.js';
import { buildHarness } from './support/harness-bundle.js';
import { DIST, PLUGIN_ROOT } from './support/paths.js';
import { startSextant, type SextantService } from './support/sextant-service.js';

const SCREENSHOTS = join(PLUGIN_ROOT, 'tests', 'output', 'screenshots');
const THEMES = ['dark', 'light'] as const;
/** What each page shows once its data has loaded. */
const LOADED: Record<ROUTES | 'config', string> = {
  overview: '[data-testid="overview-anomaly-count"]',
  anomalies: '[data-testid="anomaly-list"]',
  predictions: '[data-testid="prediction-list"]',
  rules: '[data-testid="rules-yaml"]',
  recommendations: '[data-testid="recommendation-list"]',
  alerts: '[data-testid="alert-analytics"]',
  reports: '[data-testid="report-list"]',
  audit: '[data-testid="audit-log"]',
  config: '[data-testid="app-config"]',
};

/** A desktop screen: Grafana's menu docked beside the page. */
const VIEWPORT = { width: 1600, height: 1000 };

let service: SextantService;
let TOKEN: string;
let grafana: GrafanaProxy;
let browser: Browser;
let page: Page;
let harness: string;
const now = Date.now();

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${service.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, `${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

/**
 * Polls the service until `check` holds for its answer (the demo's stages run every few seconds). A
 * failed request is polled again: while the first model trains, the service's event loop can stall
 * for seconds, and Node's HTTP server then drops a kept-alive connection (ECONNRESET).
 */
async function until<T>(path: string, check: (body: T) => boolean, from: SextantService = service): Promise<T> {
  let failure: unknown;
  for (let attempt = 0; attempt < 360; attempt++) {
    const body = await api<T>(path, from).catch((error: unknown) => {
      failure = error;
      return undefined;
    });
    if (body !== undefined && check(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${path}: the service never gave the awaited answer${failure ? ` (last failure: ${(failure as Error).message})` : ''}`);
}

/** Sextant's own answer, asked directly with the token (what the page must show). */
async function api<T>(path: string, from: SextantService = service): Promise<T> {
  const response = await fetch(`${from.url}${path}`, { headers: { authorization: `Bearer ${from.token}` } }).catch((error: Error) => {
    throw new Error(`${path}: ${error.message} (${(error.cause as Error | undefined)?.message}); the service ${from.output()}`);
  });
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
  // No hover effect left where an earlier test clicked.
  await page.mouse.move(0, VIEWPORT.height - 1);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  service = await startSextant();
  TOKEN = service.token;
  // Scoring and recommending run on the demo's history within seconds of the first ingest, the demo's
  // alerts are recorded at start, and the first model trains on the training job's first retry after
  // the first ingest (its first run, at start, found an empty warehouse).
  [harness] = await Promise.all([
    buildHarness(),
    until<{ anomalies: unknown[] }>(`/api/v1/anomalies?from=${now - 24 * 3_600_000}&to=${now + 3_600_000}`, (b) => b.anomalies.length > 0),
    until<{ recommendations: unknown[] }>('/api/v1/recommendations', (b) => b.recommendations.length >= 2),
    until<{ byRule: unknown[] }>('/api/v1/alerts/analysis', (b) => b.byRule.length > 0),
    until<{ predictions: unknown[] }>('/api/v1/predictions', (b) => b.predictions.length > 0),
  ]);
  grafana = await startGrafanaProxy({
    dist: DIST,
    staticDirs: [join(PLUGIN_ROOT, 'tests', 'harness'), harness],
    // One token per route of plugin.json (the demo has one admin token; Grafana's reqRole is what is tested here).
    app: { jsonData: { url: service.url, prometheusUid: 'prometheus' }, secureJsonData: { token: TOKEN, editorToken: TOKEN, adminToken: TOKEN } },
    datasource: { jsonData: { url: service.url }, secureJsonData: { token: TOKEN } },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORT });
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
  await service?.stop();
  if (harness) rmSync(harness, { recursive: true, force: true });
});

/** The page header Grafana's PluginPage draws: title, subtitle, and the tabs with the active one. */
async function pageHeader() {
  const pluginPage = page.getByTestId('plugin-page');
  return {
    title: await pluginPage.locator('h1').innerText(),
    subtitle: await pluginPage.getByTestId('page-subtitle').innerText(),
    tabs: await pluginPage.getByTestId('page-tabs').getByRole('tab').allInnerTexts(),
    active: await pluginPage.getByTestId('page-tabs').locator('[role="tab"][aria-selected="true"]').allInnerTexts(),
    crumbs: (await page.getByTestId('breadcrumbs').innerText()).split('\n').map((c) => c.trim()).filter(Boolean),
  };
}

/** What some pages show, beyond the tests of their own below. */
const CONTENT: Partial<Record<ROUTES, () => Promise<void>>> = {
  // Ingest health lists every dataset of the service.
  overview: async () => {
    const { datasets } = await api<{ datasets: Array<{ name: string }> }>('/api/v1/datasets');
    // Ingest health is read apart from the anomalies that tell the page has loaded: wait for each.
    const missing = [];
    for (const { name } of datasets) {
      const shown = await page.getByTestId('plugin-page').getByText(name, { exact: true }).first().waitFor({ timeout: 10_000 }).then(() => true, () => false);
      if (!shown) missing.push(name);
    }
    assert.deepEqual(missing, [], 'every dataset in ingest health');
  },
  // A file tab per generated file, the first one's YAML shown.
  rules: async () => {
    const files = await page.getByTestId('rules-preview').getByRole('tab').count();
    assert.ok(files >= 10, `${files} files`);
    await page.getByRole('button', { name: `Download all (${files} files)` }).waitFor();
    assert.match(await page.getByTestId('rules-yaml').innerText(), /^# Generated by `sextant rules generate`[\s\S]*groups:/);
  },
};

describe("every page renders its data in Grafana's page layout, in both themes, with no console errors", () => {
  for (const theme of THEMES) {
    for (const { route, title, subtitle } of APP_PAGES) {
      test(`${title} (${theme})`, async () => {
        const view = route;
        const { errors, requests } = await open(view, theme);
        await page.waitForSelector(LOADED[view]);
        // Its own title and subtitle (plugin.json's name for it), every page of the app as a tab (the
        // harness' user is an admin), its own active, and the breadcrumbs Grafana shows for it.
        assert.deepEqual(await pageHeader(), {
          title,
          subtitle,
          tabs: APP_PAGES.map((p) => p.title),
          active: [title],
          crumbs: ['Home', 'More apps', 'Sextant Insights', title],
        });
        await CONTENT[view]?.();
        await screenshot(page, `${view}-${theme}`);
        assert.deepEqual(errors, []);
        assert.ok(!requests.some((r) => r.includes(TOKEN)), 'the token never reaches the browser');
      });
    }
    test(`configuration (${theme})`, async () => {
      const { errors } = await open('config', theme);
      await page.waitForSelector(LOADED.config);
      const header = await pageHeader();
      assert.equal(header.title, 'Sextant Insights');
      assert.deepEqual(header.active, ['Configuration']);
      await screenshot(page, `config-${theme}`);
      assert.deepEqual(errors, []);
    });
  }
});

test("a tab opens the app's page it names, inside the app (Grafana routes the link, nothing reloads)", async () => {
  const { errors } = await open('overview', 'dark');
  await page.waitForSelector(LOADED.overview);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.getByTestId('plugin-page').getByRole('tab', { name: 'Alert analytics' }).click();
  await page.waitForSelector(LOADED.alerts);
  assert.equal((await pageHeader()).title, 'Alert analytics');
  assert.deepEqual((await pageHeader()).active, ['Alert analytics']);
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'the page was not reloaded');
  const routed = await page.evaluate(() => (window as unknown as { harness: { routed: string[] } }).harness.routed);
  assert.equal(routed.at(-1), '/a/sextant-insights-app/alerts');
  assert.deepEqual(errors, []);
});

test("the rules page's checkbox labels sit beside their boxes", async () => {
  await open('rules', 'light');
  await page.waitForSelector(LOADED.rules);
  const gaps = await page.locator('label:has(input[type="checkbox"])').evaluateAll((labels) =>
    labels.map((label) => {
      const box = label.querySelector('input')!.nextElementSibling!.getBoundingClientRect();
      // Where the text itself is drawn (its lines), not its element, which may be wider.
      const range = document.createRange();
      range.selectNodeContents(label.lastElementChild!);
      const lines = [...range.getClientRects()];
      const middle = (box.top + box.bottom) / 2;
      return { gap: lines[0]!.left - box.right, middle: middle > lines[0]!.top && middle < lines.at(-1)!.bottom };
    })
  );
  assert.ok(gaps.length >= 6, `${gaps.length} checkboxes`);
  for (const { gap, middle } of gaps) {
    assert.ok(gap >= 0 && gap <= 16, `label ${gap} px from its box`);
    assert.ok(middle, 'the box beside its label\'s lines');
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
  // Every peak time on one line (not a date broken over three).
  const lines = await page.locator('[data-testid="anomaly-list"] tbody tr td:first-child').evaluateAll((cells) =>
    cells.map((cell) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    })
  );
  assert.deepEqual(lines, lines.map(() => 1), 'each peak time on one line');
  await screenshot(page, 'anomalies-with-sparklines-dark');
  const severity = anomalies[0]!.severity;
  await page.getByRole('radio', { name: severity[0]!.toUpperCase() + severity.slice(1) }).click({ force: true });
  const matching = await page.locator('[data-testid="anomaly-list"] tbody tr').count();
  assert.equal(await page.locator(`[data-testid="anomaly-list"] tbody tr:has-text("${severity}")`).count(), matching, 'the filter keeps only that severity');
  assert.ok(await page.locator('a[href^="/explore"]').first().isVisible(), 'an Explore link per anomaly');
  assert.deepEqual(errors, []);
});

test('the anomalies page says what the detector found, as the service words it, and lists the members a group event blames', async () => {
  interface Member { index: number; deviation: number; name?: string }
  interface Event { dataset: string; labels: Record<string, string>; explanation: { text: string; evidence?: { members?: Member[] } } }
  // What the service answered the page (the list reloads when a new anomaly is announced: every answer).
  const answers: Array<Promise<Event[]>> = [];
  const record = (response: Response) => {
    if (new URL(response.url()).pathname.endsWith('/api/v1/anomalies')) answers.push(response.json().then((body: { anomalies: Event[] }) => body.anomalies));
  };
  page.on('response', record);
  const { errors } = await open('anomalies', 'light');
  await page.waitForSelector('[data-testid="anomaly-list"]');
  const shown = await page.locator('[data-testid="anomaly-list"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      series: tr.querySelector('td:nth-child(2)')!.textContent!,
      text: tr.querySelector('[data-testid="explanation-text"]')!.textContent!,
      members: [...tr.querySelectorAll('[data-testid="blamed-members"] li')].map((li) => li.textContent!),
    }))
  );
  page.off('response', record);
  const events = (await Promise.all(answers)).flat();
  // The series as Prometheus prints it (the page's Series column).
  const series = (e: Event) => {
    const { __name__: metric = e.dataset, ...labels } = e.labels;
    const inner = Object.keys(labels).sort().map((key) => `${key}="${labels[key]}"`).join(', ');
    return inner ? `${metric}{${inner}}` : metric;
  };
  // A row as the service's event reads: its words; for a group event the three members blamed most
  // (the deviation as the service's words give it, then the series) and how many more, and the words
  // about this series' own point (the members are listed, not repeated in the words): the detector's
  // words before the members (the forest's, or a corroborated alarm's own detector's).
  const beforeMembers = (head: string) => head.replace(/; alarming together with the group's members, most deviant .*$/, '').replace(/, most deviant .*$/, '');
  const sigmas = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} σ`;
  const expected = (e: Event) => {
    const members = e.explanation.evidence?.members ?? [];
    if (members.length === 0) return { series: series(e), text: e.explanation.text, members: [] as string[] };
    for (const m of members) assert.ok(e.explanation.text.includes(`${m.name} ${sigmas(m.deviation)}`), `the service's words name ${m.name} ${sigmas(m.deviation)}`);
    const [head = '', point] = e.explanation.text.split('; this series: ');
    return {
      series: series(e),
      text: point === undefined ? e.explanation.text : `${beforeMembers(head)}; ${point}`,
      members: [...members.slice(0, 3).map((m) => `${sigmas(m.deviation)}${m.name}`), ...(members.length > 3 ? [`and ${members.length - 3} more`] : [])],
    };
  };
  assert.ok(shown.length > 0, 'the page lists anomalies');
  const matched = shown.map((row) => {
    const event = events.find((e) => JSON.stringify(expected(e)) === JSON.stringify(row));
    assert.ok(event, `the row ${JSON.stringify(row)} is one of the service's events: ${JSON.stringify(events.filter((e) => series(e) === row.series).map(expected))}`);
    return event;
  });
  // The demo's last day has out-of-range and drift events, whose words carry their evidence (the
  // range seen, the drift's mean departure); group events, when there are, their members.
  assert.ok(matched.some((e) => e.explanation.evidence !== undefined), 'a row explained with what its detector found');
  await screenshot(page, 'anomalies-evidence-light');
  assert.deepEqual(errors, []);
});

test('a group event on the anomalies page: the members it blames named by their series, most deviant first, with the signed deviations the service stored', async () => {
  interface Member { index: number; deviation: number; name?: string }
  interface Event { dataset: string; labels: Record<string, string>; start: number; explanation: { evidence?: { members?: Member[] } } }
  const DAY = 24 * 3_600_000;
  const membersOf = (e: Event) => e.explanation.evidence?.members ?? [];
  // The shared service's one demo day may hold no group event. Five days hold several, whatever the
  // time: the demo's incidents recur every 87 hours (a host's filesystems filling, a service's error
  // burst), and a group's forest speaks after its first 256 steps.
  const longer = await startSextant({ env: { SEXTANT_INGEST_INITIAL_LOOKBACK: '5d' } });
  let proxy: GrafanaProxy | undefined;
  let tab: Page | undefined;
  try {
    const asked = Date.now();
    await until<{ anomalies: Event[] }>(`/api/v1/anomalies?from=${asked - 7 * DAY}&to=${asked + 3_600_000}&limit=1000`, (b) => b.anomalies.some((e) => membersOf(e).length > 0), longer);
    proxy = await startGrafanaProxy({
      dist: DIST,
      staticDirs: [join(PLUGIN_ROOT, 'tests', 'harness'), harness],
      app: { jsonData: { url: longer.url, prometheusUid: 'prometheus' }, secureJsonData: { token: longer.token, editorToken: longer.token, adminToken: longer.token } },
      datasource: { jsonData: { url: longer.url }, secureJsonData: { token: longer.token } },
    });
    tab = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    tab.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
    // Every answer the page got (the list reloads when a new anomaly is announced).
    const answers: Array<Promise<Event[]>> = [];
    tab.on('response', (response) => {
      if (!new URL(response.url()).pathname.endsWith('/api/v1/anomalies')) return;
      const answer = response.json().then((body: { anomalies: Event[] }) => body.anomalies);
      // An answer that arrives as the tab closes is never read: its failure is not an unhandled rejection.
      answer.catch(() => undefined);
      answers.push(answer);
    });
    await tab.goto(`${proxy.url}/?view=anomalies&theme=dark`);
    // What a user does: a week's window, then the series of the newest group event typed in the filter.
    const weekly = tab.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname.endsWith('/api/v1/anomalies') && Number(url.searchParams.get('to')) - Number(url.searchParams.get('from')) === 7 * DAY;
    });
    await tab.getByRole('radio', { name: 'Last 7 days' }).click({ force: true });
    const week = ((await (await weekly).json()) as { anomalies: Event[] }).anomalies;
    const grouped = week.filter((e) => membersOf(e).length > 0);
    assert.ok(grouped.length > 0, 'the week the page asked for holds a group event');
    const target = grouped.reduce((a, b) => (b.start > a.start ? b : a));
    const series = (labels: Record<string, string>, dataset: string) => {
      const { __name__: metric = dataset, ...rest } = labels;
      return `${metric}{${Object.keys(rest).sort().map((k) => `${k}="${rest[k]}"`).join(', ')}}`;
    };
    await tab.getByPlaceholder('Filter by label text').fill(series(target.labels, target.dataset));
    await tab.locator('[data-testid="anomaly-list"] [data-testid="blamed-members"]').first().waitFor({ timeout: 10_000 });
    const rows = await tab.locator('[data-testid="anomaly-list"] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        series: tr.querySelector('td:nth-child(2)')!.textContent!,
        members: [...tr.querySelectorAll('[data-testid="blamed-members"] li')].map((li) =>
          li.children.length === 2 ? { deviation: li.children[0]!.textContent!, name: li.children[1]!.textContent! } : { more: li.textContent! }
        ),
      }))
    );
    await screenshot(tab, 'anomalies-group-event-dark');
    const events = (await Promise.all(answers)).flat();
    // The page lists the members as the service stored them: the three most deviant, then a count.
    const shownAs = (e: Event) => [
      ...membersOf(e).slice(0, 3).map((m) => ({ deviation: `${m.deviation >= 0 ? '+' : '−'}${Math.abs(m.deviation).toFixed(1)} σ`, name: m.name })),
      ...(membersOf(e).length > 3 ? [{ more: `and ${membersOf(e).length - 3} more` }] : []),
    ];
    const groupRows = rows.filter((r) => r.members.length > 0);
    assert.ok(groupRows.some((r) => JSON.stringify(r.members) === JSON.stringify(shownAs(target))), `the newest group event's members ${JSON.stringify(shownAs(target))} on the page: ${JSON.stringify(rows)}`);
    for (const row of groupRows) {
      const event = events.find((e) => series(e.labels, e.dataset) === row.series && JSON.stringify(shownAs(e)) === JSON.stringify(row.members));
      assert.ok(event, `the row ${JSON.stringify(row)} is one of the service's group events`);
      const listed = row.members.filter((m): m is { deviation: string; name: string } => 'name' in m);
      // Signed deviations: the sign and size the service stored, to the one decimal shown.
      const sigmas = listed.map((m) => {
        const [, sign, size] = /^([+−])(\d+\.\d) σ$/.exec(m.deviation) ?? assert.fail(`a signed deviation: ${m.deviation}`);
        return (sign === '−' ? -1 : 1) * Number(size);
      });
      listed.forEach((m, i) => {
        const stored = membersOf(event).find((s) => s.name === m.name)!.deviation;
        assert.ok(Math.abs(sigmas[i]! - stored) <= 0.05 + 1e-9 && (stored >= 0) === (m.deviation[0] === '+'), `${m.name}: ${m.deviation} shown, ${stored} stored`);
      });
      // Ranked: most deviant first.
      assert.ok(sigmas.every((d, i) => i === 0 || Math.abs(d) <= Math.abs(sigmas[i - 1]!)), `most deviant first: ${sigmas.join(', ')}`);
      // Named by their series, each a member of the event's group (its service, or else its host).
      const service = event.labels.service ?? event.labels.job;
      const marks = service ? [`service="${service}"`, `job="${service}"`] : [`instance="${event.labels.instance}"`];
      for (const { name } of listed) {
        assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*\{.+\}$/, 'a series as Prometheus prints it');
        assert.ok(marks.some((mark) => name.includes(mark)), `${name} is in the group of ${row.series}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await tab?.close();
    await proxy?.close();
    await longer.stop();
  }
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
  const changes = grafana.forwarded.filter((r) => r.method === 'POST' && /\/recommendations\//.test(r.url));
  assert.deepEqual(changes.map((r) => r.route), ['editor', 'editor'], 'changes go through the editors\' route');
  assert.deepEqual(errors, []);
});

test('a Grafana viewer reads through the viewers\' route, and its changes are refused by Grafana before reaching Sextant', async () => {
  grafana.role = 'Viewer';
  try {
    const { recommendations } = await api<{ recommendations: Array<{ id: string }> }>('/api/v1/recommendations?status=open');
    const target = recommendations[0]!;
    const sent = grafana.forwarded.length;
    await open('recommendations', 'dark');
    await page.waitForSelector('[data-testid="recommendation-list"]');
    await page.locator(`[data-testid="recommendation-${target.id}"]`).getByRole('button', { name: 'Dismiss' }).click();
    await page.getByText(/failed \(403\): plugin proxy route access denied/).waitFor();
    const after = grafana.forwarded.slice(sent);
    assert.ok(after.length > 0 && after.every((r) => r.route === 'sextant' && r.method === 'GET'), JSON.stringify(after));
    const still = await api<{ recommendations: Array<{ id: string }> }>('/api/v1/recommendations?status=open');
    assert.ok(still.recommendations.some((r) => r.id === target.id), 'the recommendation is still open');
  } finally {
    grafana.role = 'Admin';
  }
});

test('the audit log page shows who applied and dismissed recommendations, through the admins\' route', async () => {
  const { errors } = await open('audit', 'dark');
  const log = page.locator('[data-testid="audit-log"]');
  await log.waitFor();
  for (const action of ['recommendation.apply', 'recommendation.dismiss']) {
    assert.ok((await log.locator('tbody tr', { hasText: action }).count()) >= 1, `${action} is listed`);
  }
  assert.match(await log.locator('tbody tr', { hasText: 'recommendation.dismiss' }).first().innerText(), /demo \(admin\)[\s\S]*ok \(200\)/);
  await page.getByLabel('Action filter').fill('recommendation.apply');
  await page.getByRole('button', { name: 'Apply' }).click();
  await log.locator('tbody tr', { hasText: 'recommendation.dismiss' }).waitFor({ state: 'detached' });
  assert.ok(grafana.forwarded.some((r) => r.route === 'admin' && r.url.includes('/api/v1/audit')));
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
    // The panel fills the dashboard beside the menu, and its charts fill the panel.
    const panel = (await page.getByTestId('anomaly-panel').boundingBox())!;
    assert.ok(panel.height >= 0.8 * VIEWPORT.height && panel.width >= 0.7 * VIEWPORT.width, `panel ${panel.width}x${panel.height}`);
    const charts = await page.locator('[data-testid="band-chart"]').evaluateAll((svgs) => svgs.reduce((sum, svg) => sum + svg.getBoundingClientRect().height, 0));
    assert.ok(charts >= 0.8 * panel.height, `charts ${charts} px high in a panel of ${panel.height} px`);
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

  await page.getByRole('button', { name: 'Reset' }).first().click();
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

/** A duration as the pages print it ("40 s", "4 min", "40.0 h"), in ms, with half its last unit. */
function shownDuration(text: string): { ms: number; within: number } {
  const match = /^([\d.]+) (s|min|h)$/.exec(text.trim());
  assert.ok(match, `not a duration: ${text}`);
  const unit = { s: 1_000, min: 60_000, h: 3_600_000 }[match[2] as 's' | 'min' | 'h'];
  const step = match[1]!.includes('.') ? 0.1 : 1;
  return { ms: Number(match[1]) * unit, within: (step / 2) * unit + 1 };
}

test('alert analytics shows the service\'s analysis of the demo\'s alerts: the flapping rule, firings and MTTR per rule', async () => {
  const { errors, requests } = await open('alerts', 'dark');
  await page.waitForSelector('[data-testid="alert-analytics"]');
  // The same window as the page asked for.
  const asked = new URL(requests.find((r) => r.includes('/alerts/analysis'))!.split(' ')[0]!);
  const window = `from=${asked.searchParams.get('from')}&to=${asked.searchParams.get('to')}`;
  interface Stats { count: number; mttrMs: number | null; flaps: number }
  const analysis = await api<{ total: Stats; byRule: Array<Stats & { key: string }>; flappingRules: string[] }>(`/api/v1/alerts/analysis?${window}`);
  // Independently, from the recorded history: a rule flaps when one alert re-fires within 30 minutes
  // (the default flap window) of resolving.
  const { events } = await api<{ events: Array<{ fingerprint: string; alertname: string; startsAtMs: number; endsAtMs: number | null; state: string }> }>(`/api/v1/alerts/history?limit=10000`);
  const ends = new Map<string, number>();
  for (const e of events) if (e.state === 'resolved') ends.set(`${e.fingerprint}/${e.startsAtMs}`, e.endsAtMs!);
  const flapping = new Set<string>();
  const starts = events.filter((e) => e.state === 'firing').sort((a, b) => a.startsAtMs - b.startsAtMs);
  for (const e of starts) {
    const previous = starts.filter((p) => p.fingerprint === e.fingerprint && p.startsAtMs < e.startsAtMs).at(-1);
    const end = previous && ends.get(`${previous.fingerprint}/${previous.startsAtMs}`);
    if (end !== undefined && e.startsAtMs >= end && e.startsAtMs - end <= 30 * 60_000 && e.startsAtMs >= Number(asked.searchParams.get('from'))) flapping.add(e.alertname);
  }
  assert.ok(flapping.size > 0, 'the demo has a flapping rule');
  assert.deepEqual([...flapping].sort(), [...analysis.flappingRules].sort());
  for (const rule of flapping) assert.match(await page.getByTestId('flapping-rules').innerText(), new RegExp(`\\b${rule}\\b`));

  assert.equal(await page.getByTestId('alerts-total').locator('span').last().innerText(), String(analysis.total.count));
  const mttr = shownDuration(await page.getByTestId('alerts-mttr').locator('span').last().innerText());
  assert.ok(Math.abs(mttr.ms - analysis.total.mttrMs!) <= mttr.within, `MTTR shown ${mttr.ms} ms, the service says ${analysis.total.mttrMs} ms`);
  assert.equal(await page.getByTestId('alerts-flaps').locator('span').last().innerText(), String(analysis.total.flaps));
  // One table row per rule, noisiest first, with its firings, MTTR and flaps.
  const rows = await page.locator('[data-testid="alert-analytics"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
  assert.deepEqual(rows.map((r) => r[0]), analysis.byRule.slice(0, 10).map((r) => r.key));
  for (const [i, rule] of analysis.byRule.slice(0, 10).entries()) {
    const [, count, mttrText, flaps] = rows[i]!;
    assert.equal(count, String(rule.count), rule.key);
    assert.equal(flaps, String(rule.flaps), rule.key);
    if (rule.mttrMs === null) assert.equal(mttrText, '—');
    else {
      const shown = shownDuration(mttrText!);
      assert.ok(Math.abs(shown.ms - rule.mttrMs) <= shown.within, `${rule.key}: MTTR shown ${mttrText}, the service says ${rule.mttrMs} ms`);
    }
  }
  await screenshot(page, 'alerts-checked-dark');
  assert.deepEqual(errors, []);
});

test('the reports page generates last week\'s HTML report, lists it and downloads that very file', async () => {
  const { errors } = await open('reports', 'light');
  await page.waitForSelector('[data-testid="report-list"]');
  const before = await api<{ reports: unknown[] }>('/api/v1/reports');
  assert.equal(await page.locator('[data-testid="report-list"] tbody tr').count(), before.reports.length);
  await page.getByRole('button', { name: "Generate last week's report" }).click();
  await page.getByText(/^Report generated: weekly, /).waitFor();
  await page.locator('[data-testid="report-list"] tbody tr').nth(before.reports.length).waitFor();
  interface Report { id: string; from: string; to: string; bytes: number; period: string; format: string }
  const { reports } = await api<{ reports: Report[] }>('/api/v1/reports');
  assert.equal(reports.length, before.reports.length + 1);
  const report = reports.find((r) => !(before.reports as Report[]).some((b) => b.id === r.id))!;
  assert.equal(report.period, 'weekly');
  assert.equal(report.format, 'html');
  // The last complete week, Monday to Sunday, as the row shows it.
  const from = Date.parse(report.from);
  assert.equal(new Date(from).getUTCDay(), 1);
  assert.equal(Date.parse(report.to) - from, 7 * 86_400_000);
  const sunday = new Date(Date.parse(report.to) - 1).toISOString().slice(0, 10);
  const row = page.locator('[data-testid="report-list"] tbody tr', { hasText: `weekly, ${report.from.slice(0, 10)} to ${sunday}` });
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), new RegExp(`${(report.bytes / 1024).toFixed(1)} KiB`));

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download' }).click()]);
  const file = await download.path();
  assert.equal(download.suggestedFilename(), `${report.id}.html`);
  assert.equal(statSync(file).size, report.bytes, 'the file the list announced');
  const html = readFileSync(file, 'utf8');
  assert.match(html, new RegExp(`<title>Sextant weekly report, ${report.from.slice(0, 10)}</title>`));
  // Its alert summary counts the firings the alert history has during that week (started in it, or
  // before it and still firing into it), of as many rules (name, service and severity).
  const to = Date.parse(report.to);
  interface Change { fingerprint: string; startsAtMs: number; seq: number; endsAtMs: number | null; alertname: string; service: string; severity: string }
  const { events } = await api<{ events: Change[] }>(`/api/v1/alerts/history?to=${to}&limit=10000`);
  const last = new Map<string, Change>();
  for (const e of events) {
    const key = `${e.fingerprint}@${e.startsAtMs}`;
    if ((last.get(key)?.seq ?? -1) < e.seq) last.set(key, e);
  }
  const firings = [...last.values()].filter((e) => e.endsAtMs === null || e.endsAtMs > from);
  const rules = new Set(firings.map((e) => `${e.alertname}/${e.service}/${e.severity}`));
  assert.ok(firings.length > 0 && events.length < 10000, 'the demo has alerts in the last complete week, all of them read');
  assert.match(html, new RegExp(`Alerts: ${firings.length} firings of ${rules.size} rules?,`));
  assert.deepEqual(await page.evaluate(() => (window as unknown as { harness: { routed: string[] } }).harness.routed), [], 'Grafana would have routed no link');
  await screenshot(page, 'reports-generated-light');
  assert.deepEqual(errors, []);
});

test('the predictions page shows the trained model\'s predictions, riskiest first', async () => {
  interface Prediction { entity: string; probability: number; ongoing: boolean }
  const ask = () => api<{ predictions: Prediction[] }>('/api/v1/predictions').then((b) => b.predictions);
  const earlier = await ask();
  const { models } = await api<{ models: Array<{ version: number }> }>('/api/v1/predictions/models?limit=1');
  const { errors } = await open('predictions', 'dark');
  await page.waitForSelector('[data-testid="prediction-list"]');
  const later = await ask();
  assert.match(await page.getByTestId('prediction-model').innerText(), new RegExp(`^Model v${models[0]!.version} `));
  const rows = await page.locator('[data-testid="prediction-list"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
  assert.equal(rows.length, later.length);
  // The inference job runs every few seconds: the page shows either answer, rounded to a percent.
  const shown = (p: Prediction | undefined) => (p === undefined ? undefined : p.ongoing ? 'failing now' : `${(p.probability * 100).toFixed(0)} %`);
  for (const [entity, probability] of rows) {
    const candidates = [earlier, later].map((list) => shown(list.find((p) => p.entity === entity)));
    assert.ok(candidates.includes(probability), `${entity}: page shows ${probability}, the service ${candidates.join(' then ')}`);
  }
  const percents = rows.map(([, probability]) => probability).filter((p) => p !== 'failing now').map((p) => Number.parseInt(p!, 10));
  assert.ok(percents.every((p, i) => i === 0 || p <= percents[i - 1]!), `riskiest first: ${percents.join(', ')}`);
  assert.deepEqual(errors, []);
});

test('before the first model the predictions page says so, and a failed request shows the service\'s reason and can be retried', async () => {
  const isPredictions = (url: URL) => url.pathname.endsWith('/api/v1/predictions');
  const isModels = (url: URL) => url.pathname.endsWith('/api/v1/predictions/models');
  // The answers of a service that has not trained yet (the real routes' empty answers).
  await page.route(isPredictions, (route) => route.fulfill({ json: { predictions: [] } }));
  await page.route(isModels, (route) => route.fulfill({ json: { models: [] } }));
  let { errors } = await open('predictions', 'light');
  await page.getByTestId('prediction-list-untrained').getByText(/No failure model yet/).waitFor();
  assert.deepEqual(errors, []);
  await page.unroute(isPredictions);
  await page.route(isPredictions, (route) => route.fulfill({ status: 503, json: { error: 'the warehouse is still opening' } }));
  ({ errors } = await open('predictions', 'light'));
  const failure = page.getByTestId('error-predictions');
  await failure.getByText('the warehouse is still opening').waitFor();
  await page.unroute(isPredictions);
  await page.unroute(isModels);
  await failure.getByRole('button', { name: 'Retry' }).click();
  await page.waitForSelector('[data-testid="prediction-list"]');
  assert.deepEqual(errors.filter((e) => !e.includes('503')), [], 'only the expected 503 is reported');
});
