// Live updates in a real browser: Debian's Prometheus scrapes a small exporter every second (with two
// hours of steady history written into its TSDB), a real `sextant serve` ingests and scores it every
// second, and the Anomalies page is open in Chromium behind the harness's Grafana proxy. When the
// exporter's value jumps, the anomaly the service scores must appear on the open page within seconds,
// pushed over the event stream, with no reload and no click; and again after the service restarted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort, startPrometheus, type RunningPrometheus } from '../../../tests/support/prometheus.js';
import { launchChromium } from './support/browser.js';
import { startGrafanaProxy, type GrafanaProxy } from './support/grafana-proxy.js';
import { buildHarness } from './support/harness-bundle.js';
import { DIST, PLUGIN_ROOT } from './support/paths.js';
import { startSextant, type SextantService } from './support/sextant-service.js';

const TOKEN = 'live-test-token-not-secret';
/** A steady gauge, the same in the history and live: nothing in it is an anomaly. */
const steady = (_t: number) => 100;
/** The exporter's values by series: steady until a test sets a spike. */
const spikes: Record<string, number | undefined> = { a: undefined, b: undefined };

/** Two hours of a steady gauge per series, every 15 s, as OpenMetrics for promtool, as if scraped from `target`. */
function history(now: number, target: string): string {
  const lines = ['# TYPE live_value gauge'];
  const start = Math.floor((now - 2 * 3_600_000) / 15_000) * 15_000;
  for (const series of Object.keys(spikes)) {
    for (let t = start; t < now - 15_000; t += 15_000) lines.push(`live_value{instance="${target}",job="live",series="${series}"} ${steady(t)} ${t / 1000}`);
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

before(async () => {
  exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE live_value gauge\n${Object.entries(spikes).map(([s, v]) => `live_value{series="${s}"} ${v ?? steady(Date.now())}`).join('\n')}\n`);
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
  prometheus = await startPrometheus({ history: history(Date.now(), target), targets: [target], scrapeIntervalSeconds: 1 });
  dir = mkdtempSync(join(tmpdir(), 'sextant-live-'));
  config = join(dir, 'sextant.yaml');
  writeFileSync(
    config,
    [
      'auth:',
      `  tokens: [{ name: live, token: ${TOKEN}, tenant: default, role: admin }]`,
      `source: { kind: prometheus, prometheus: { url: "${prometheus.url}" } }`,
      'datasets:',
      '  defaultPack: false',
      '  custom: [{ name: live_value, query: live_value, keepLabels: [series] }]',
      'ingest: { step: 5s, delay: 0s }',
      'predict: { enabled: false }',
      'recommend: { enabled: false }',
      '',
    ].join('\n'),
  );
  port = await freePort();
  [service, harness] = await Promise.all([startSextant({ configFile: config, env, port, dir }), buildHarness()]);
  grafana = await startGrafanaProxy({
    dist: DIST,
    staticDirs: [join(PLUGIN_ROOT, 'tests', 'harness'), harness],
    app: { jsonData: { url: service.url }, secureJsonData: { token: TOKEN, editorToken: TOKEN, adminToken: TOKEN } },
    datasource: { jsonData: { url: service.url }, secureJsonData: { token: TOKEN } },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
