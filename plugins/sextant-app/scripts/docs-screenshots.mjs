// Regenerates the plugin's screenshots in docs/images (the README's and docs/grafana.md's) from the
// browser tests: they run the plugin in the harness (Grafana's chrome and page layout) on a real
// `sextant serve` with the demo data (browser.test.ts) and on live data through a real Prometheus
// (live.test.ts, the anomaly panel with its band), and save every page to tests/output/screenshots/.
// `--no-run` copies the screenshots of the last run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PLUGIN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCREENSHOTS = join(PLUGIN_ROOT, 'tests', 'output', 'screenshots');
const IMAGES = join(PLUGIN_ROOT, '..', '..', 'docs', 'images');

/** docs/images file: the test's screenshot. */
const IMAGES_FROM = {
  'grafana-anomalies-dark.png': 'anomalies-with-sparklines-dark.png',
  'grafana-anomaly-panel-dark.png': 'panel-anomaly-band-dark.png',
  'grafana-overview-dark.png': 'overview-dark.png',
  'grafana-recommendations-light.png': 'recommendations-light.png',
  'grafana-rules-dark.png': 'rules-dark.png',
};

if (!process.argv.includes('--no-run')) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', 'tests/browser.test.ts', 'tests/live.test.ts'], {
    cwd: PLUGIN_ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    process.stderr.write('docs-screenshots: the browser tests failed; docs/images left as they were\n');
    process.exit(run.status ?? 1);
  }
}
for (const [image, screenshot] of Object.entries(IMAGES_FROM)) {
  const from = join(SCREENSHOTS, screenshot);
  if (!existsSync(from)) {
    process.stderr.write(`docs-screenshots: ${from} is missing (run without --no-run)\n`);
    process.exit(1);
  }
  copyFileSync(from, join(IMAGES, image));
  process.stdout.write(`docs/images/${image} <- ${screenshot}\n`);
}
