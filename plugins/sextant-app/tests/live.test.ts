// Live updates in a real browser: Debian's Prometheus scrapes a small exporter every second (with two
// hours of normal history written into its TSDB), a real `sextant serve` ingests and scores it every
// second, and the Anomalies page is open in Chromium behind the harness's Grafana proxy. When the
// exporter's value jumps, the anomaly the service scores must appear on the open page within seconds,
// pushed over the event stream, with no reload and no click; and again after the service restarted.
// Prometheus also scrapes Sextant's /metrics, so the anomaly panel can draw the series from Prometheus
// with the bands and scores Sextant exported for them, as on the reference stack's dashboard.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_UNIVARIATE_OPTIONS } from '@sextant/core/anomaly';
import { freePort, startPrometheus, type RunningPrometheus } from '../../../tests/support/prometheus.js';
import { launchChromium } from './support/browser.js';
import { startGrafanaProxy, type GrafanaProxy } from './support/grafana-proxy.js';
import { buildHarness } from './support/harness-bundle.js';
import { DIST, PLUGIN_ROOT } from './support/paths.js';
import { startSextant, type SextantService } from './support/sextant-service.js';

const TOKEN = 'live-test-token-not-secret';
const SCREENSHOTS = join(PLUGIN_ROOT, 'tests', 'output', 'screenshots');
const METRICS_TOKEN = 'live-metrics-token-not-secret';
/** Each series' normal value, the same in the history and live: nothing in it is an anomaly. `c` waves, with a 2-minute period. */
const normal: Record<string, (t: number) => number> = { a: () => 100, b: () => 100, c: (t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 120_000) };
/** The exporter's values by series: normal until a test sets a spike (of `a` and `b`). */
const spikes: Record<string, number | undefined> = { a: undefined, b: undefined };

/** Two hours of each series' normal value, every 15 s, as OpenMetrics for promtool, as if scraped from `target`. */
function history(now: number, target: string): string {
  const lines = ['# TYPE live_value gauge'];
  const start = Math.floor((now - 2 * 3_600_000) / 15_000) * 15_000;
  for (const [series, value] of Object.entries(normal)) {
    for (let t = start; t < now - 15_000; t += 15_000) lines.push(`live_value{instance="${target}",job="live",series="${series}"} ${value(t)} ${t / 1000}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

let exporter: Server;
let prometheus: RunningPrometheus;
let service: SextantService;
let grafana: GrafanaProxy;
let browser: Browser;
let page: Page;
let harness: string;
let dir: string;
let config: string;
let port: number;
const env = { SEXTANT_INGEST_INTERVAL: '1s' };
let startedAt: number;

before(async () => {
  startedAt = Date.now();
  exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE live_value gauge\n${Object.entries(normal).map(([s, value]) => `live_value{series="${s}"} ${spikes[s] ?? value(Date.now())}`).join('\n')}\n`);
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
  // Prometheus also scrapes Sextant's /metrics, as the reference stack does: the bands and scores the
  // anomaly panel draws beside the series.
  port = await freePort();
  const sextantJob = ['  - job_name: sextant', '    authorization: { credentials: ' + METRICS_TOKEN + ' }', '    static_configs:', `      - targets: ["127.0.0.1:${port}"]`];
  prometheus = await startPrometheus({ history: history(Date.now(), target), targets: [target], scrapeIntervalSeconds: 1, extraConfig: sextantJob.join('\n') });
  dir = mkdtempSync(join(tmpdir(), 'sextant-live-'));
  config = join(dir, 'sextant.yaml');
  writeFileSync(
    config,
    [
      'auth:',
      `  metricsToken: ${METRICS_TOKEN}`,
      `  tokens: [{ name: live, token: ${TOKEN}, tenant: default, role: admin }]`,
      `source: { kind: prometheus, prometheus: { url: "${prometheus.url}" } }`,
      'datasets:',
      '  defaultPack: false',
      '  custom: [{ name: live_value, query: live_value, keepLabels: [series, job, instance] }]',
      'ingest: { step: 5s, delay: 0s }',
      'predict: { enabled: false }',
      'recommend: { enabled: false }',
      '',
    ].join('\n'),
  );
  // Both settle before a failure is thrown, so that the after hook stops a service that started.
  const [started, built] = await Promise.allSettled([startSextant({ configFile: config, env, port, dir }), buildHarness()]);
  if (started.status === 'fulfilled') service = started.value;
  if (built.status === 'fulfilled') harness = built.value;
  for (const outcome of [started, built]) if (outcome.status === 'rejected') throw outcome.reason;
  grafana = await startGrafanaProxy({
    dist: DIST,
    staticDirs: [join(PLUGIN_ROOT, 'tests', 'harness'), harness],
    app: { jsonData: { url: service.url }, secureJsonData: { token: TOKEN, editorToken: TOKEN, adminToken: TOKEN } },
    datasource: { jsonData: { url: service.url }, secureJsonData: { token: TOKEN } },
    prometheus: prometheus.url,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${grafana.url}/?view=anomalies&theme=dark`);
  await page.getByText(/No anomalies in this window|anomalies$/).first().waitFor();
  // Set once: a reload of the page would lose it.
  await page.evaluate(() => ((window as unknown as { opened: number }).opened = 1));
});

after(async () => {
  await browser?.close();
  await grafana?.close();
  await service?.stop();
  await prometheus?.dispose();
  await new Promise((resolve) => exporter?.close(resolve));
  if (harness) rmSync(harness, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Jumps the series' value and waits until the open page lists an anomaly of it; returns the seconds it took. */
async function spikeAndWait(series: string, timeoutMs: number): Promise<number> {
  const row = page.locator('[data-testid="anomaly-list"] tbody tr', { hasText: `series="${series}"` });
  if ((await row.count()) > 0) {
    const api = await fetch(`${service.url}/api/v1/anomalies?limit=5`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
    assert.fail(`an anomaly of series ${series} before its spike: ${api}`);
  }
  const started = Date.now();
  spikes[series] = 1000;
  await row.first().waitFor({ timeout: timeoutMs }).catch(async (error: Error) => {
    const api = await fetch(`${service.url}/api/v1/anomalies?limit=5`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
    const datasets = await fetch(`${service.url}/api/v1/datasets`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.text());
    const streams = grafana.forwarded.filter((r) => r.url.includes('/events')).length;
    throw new Error(`${error.message}\nservice anomalies: ${api}\ndatasets: ${datasets}\nevent streams opened: ${streams}\nservice: ${service.output()}`);
  });
  assert.equal(await page.evaluate(() => (window as unknown as { opened?: number }).opened), 1, 'the page was not reloaded');
  return (Date.now() - started) / 1000;
}

test('a new anomaly scored by the service appears on the open Anomalies page within seconds, pushed by the service', async () => {
  const streams = () => grafana.forwarded.filter((r) => r.url.endsWith('/api/v1/events'));
  assert.ok(streams().length >= 1 && streams().every((r) => r.route === 'sextant'), 'the page opened its event stream through the viewers\' route');
  const reads = grafana.forwarded.length;
  const seconds = await spikeAndWait('a', 20_000);
  // The list was read again because the stream said so: one new read of the anomalies, no polling before.
  const after = grafana.forwarded.slice(reads).filter((r) => r.url.includes('/api/v1/anomalies'));
  assert.ok(after.length >= 1, 'the page read the anomalies again');
  process.stdout.write(`# anomaly of series a shown ${seconds.toFixed(1)} s after the spike\n`);
});

test('after the service restarts, the page reconnects by itself and shows the next new anomaly', async () => {
  await service.stop();
  // While the service is down the proxy answers 502 and the browser's stream fails for good; the page retries.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const before = grafana.forwarded.filter((r) => r.url.endsWith('/api/v1/events')).length;
  service = await startSextant({ configFile: config, env, port, dir });
  const seconds = await spikeAndWait('b', 45_000);
  assert.ok(grafana.forwarded.filter((r) => r.url.endsWith('/api/v1/events')).length > before, 'a new event stream was opened');
  process.stdout.write(`# anomaly of series b shown ${seconds.toFixed(1)} s after the spike, after a restart\n`);
});

interface Matrix {
  data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
}

/** Prometheus' own answer to a range query, asked directly (what the panel must draw). */
async function queryRange(query: string, start: number, end: number, step: number): Promise<Matrix['data']['result']> {
  const params = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
  const answer = (await fetch(`${prometheus.url}/api/v1/query_range?${params}`).then((r) => r.json())) as Matrix;
  return answer.data.result;
}

/** Waits until Prometheus' answer on the panel's step grid holds a score at the alarm level; returns that step (ms). */
async function waitForPrometheusAlarm(step: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let highest = 0;
  while (Date.now() < deadline) {
    const scores = await queryRange('sextant_anomaly_score{sextant_dataset="live_value"}', Math.floor(startedAt / 1000 / step) * step, Math.ceil(Date.now() / 1000 / step) * step, step);
    const alarm = scores.flatMap((s) => s.values).find(([, v]) => Number(v) >= DEFAULT_UNIVARIATE_OPTIONS.alarm.level);
    if (alarm) return alarm[0] * 1000;
    highest = Math.max(0, ...scores.flatMap((s) => s.values.map(([, v]) => Number(v))));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Prometheus holds no alarm-level score of live_value after ${timeoutMs / 1000} s (highest: ${highest})`);
}

test("the anomaly panel on Prometheus draws each series inside the band Sextant exported for it, and marks its alarms", async () => {
  // The overview dashboard's queries, on the live series (two that jumped, one that waves): the series, and Sextant's band and score of its dataset.
  const band = (name: string) => `${name}{sextant_dataset="live_value"}`;
  const exprs = ['live_value', band('sextant_anomaly_upper_band'), band('sextant_anomaly_lower_band'), band('sextant_anomaly_score')];
  const step = 2;
  // Prometheus keeps a score only if a scrape of Sextant's /metrics landed while it was high (scrapes
  // can fail on a busy machine): make series c jump, and draw once Prometheus holds an alarm-level score.
  spikes.c = 1000;
  const alarmAt = await waitForPrometheusAlarm(step, 60_000);
  // Draw up to a step-aligned end a few seconds back, once every scrape up to it has landed: the
  // panel's query and the check below then see the same samples (a scrape landing between them used
  // to add an alarm at the last step that the panel had not drawn). The end is at or after the step
  // that showed the alarm (that step can lie up to one step ahead of the clock).
  await new Promise((resolve) => setTimeout(resolve, Math.max(4_000, alarmAt + 4_000 - Date.now())));
  const to = Math.floor((Date.now() - 3_000) / 1000 / step) * step * 1000;
  await page.evaluate((search) => (window as unknown as { harness: { show(s: string): void } }).harness.show(search), new URLSearchParams({
    view: 'panel-anomaly',
    theme: 'dark',
    datasource: 'prometheus',
    title: 'Live value with its band',
    targets: JSON.stringify(exprs.map((expr, i) => ({ refId: String.fromCharCode(65 + i), expr }))),
    from: String(startedAt),
    to: String(to),
    intervalMs: String(step * 1000),
    options: JSON.stringify({ maxSeries: 4, showLegend: true }),
  }).toString());
  await page.getByTestId('anomaly-panel').waitFor();

  // Independently, from Prometheus over the same steps (the range aligned to the step, as Grafana does):
  // per series, the steps with a value and both band edges, and those whose score reaches the alarm level.
  const start = Math.floor(startedAt / 1000 / step) * step;
  const end = Math.ceil(to / 1000 / step) * step;
  const [values, upper, lower, score] = await Promise.all(exprs.map((expr) => queryRange(expr, start, end, step)));
  const at = (series: Matrix['data']['result'], name: string) => new Map(series.find((s) => s.metric.series === name)?.values.map(([t, v]) => [t, Number(v)]));
  const expected = Object.keys(normal).map((name) => {
    const value = at(values!, name);
    const [hi, lo, sc] = [at(upper!, name), at(lower!, name), at(score!, name)];
    const banded = [...value.keys()].filter((t) => hi.has(t) && lo.has(t));
    const alarms = [...value.keys()].filter((t) => (sc.get(t) ?? 0) >= DEFAULT_UNIVARIATE_OPTIONS.alarm.level);
    return { name, banded: banded.length, alarms: alarms.length };
  });
  assert.ok(expected.every((e) => e.banded > 1), `Sextant's bands reached Prometheus: ${JSON.stringify(expected)}`);
  assert.ok(expected.some((e) => e.alarms > 0), `the spikes scored above the alarm level: ${JSON.stringify(expected)}`);

  const charts = page.locator('[data-testid="band-chart"]');
  assert.equal(await charts.count(), expected.length, 'one chart per series, none for the band and score series');
  for (const { name, banded, alarms } of expected) {
    const chart = page.locator(`[data-testid="band-chart"][aria-label*='series="${name}"']`);
    const corners = (await chart.getByTestId('band').getAttribute('points'))!.trim().split(' ').length;
    assert.equal(corners, 2 * banded, `series ${name}: the band's upper and lower edge at every step that has both`);
    assert.equal(await chart.locator('circle[data-testid^="anomaly-"]').count(), alarms, `series ${name}: a mark per alarm`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, 'panel-anomaly-band-dark.png'), fullPage: true });
});
