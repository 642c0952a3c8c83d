// Every alert the generator can emit links a runbook that exists: docs/runbooks/<kind>.md, under the
// configured base URL and suffix. Checked on the reference rule files (alert-rules/, which hold every
// kind) and on the table of kinds itself.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ALERT_KINDS, generateRuleFiles } from '@sextant/core/rules';
import { loadRulesConfig } from '../exporter/src/cli/rules.js';
import { rulesSpecOf } from '../exporter/src/config/sections/rules.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runbooks = join(root, 'docs', 'runbooks');

interface RuleFile {
  groups: Array<{ rules: Array<{ alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
}

function alertsOf(files: Array<{ path: string; content: string }>) {
  return files
    .filter((f) => f.path.endsWith('.rules.yml'))
    .flatMap((f) => (YAML.parse(f.content) as RuleFile).groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined).map((r) => ({ file: f.path, ...r }))));
}

test('every alert of the reference rule files links a runbook page that exists, and every kind is linked', async () => {
  const base = (YAML.parse(readFileSync(join(root, 'alert-rules', 'config', 'rules.yaml'), 'utf8')) as { runbookBaseUrl: string }).runbookBaseUrl;
  assert.match(base, /\/docs\/runbooks$/, 'the reference config points at docs/runbooks of the repository');
  const files = readdirSync(join(root, 'alert-rules'))
    .filter((name) => name.endsWith('.rules.yml'))
    .map((name) => ({ path: name, content: readFileSync(join(root, 'alert-rules', name), 'utf8') }));
  const alerts = alertsOf(files);
  assert.ok(alerts.length >= 20, `${alerts.length} alerts`);
  const linked = new Set<string>();
  for (const alert of alerts) {
    const url = alert.annotations?.runbook_url ?? '';
    assert.ok(url.startsWith(`${base}/`), `${alert.file} ${alert.alert}: runbook_url ${JSON.stringify(url)}`);
    const page = url.slice(base.length + 1);
    assert.ok(existsSync(join(runbooks, page)), `${alert.file} ${alert.alert} links ${page}, which docs/runbooks lacks`);
    const kind = page.replace(/\.md$/, '') as keyof typeof ALERT_KINDS;
    assert.equal(alert.labels?.sextant_category, ALERT_KINDS[kind], `${alert.alert}: category of ${kind}`);
    linked.add(kind);
  }
  assert.deepEqual([...linked].sort(), Object.keys(ALERT_KINDS).sort(), 'the reference rules exercise every kind of alert');
});

test('docs/runbooks holds one page per alert kind, each saying what it means, how to check and what to do, with links that resolve', () => {
  const pages = readdirSync(runbooks).filter((name) => name !== 'README.md');
  assert.deepEqual(pages.sort(), Object.keys(ALERT_KINDS).map((kind) => `${kind}.md`).sort());
  const index = readFileSync(join(runbooks, 'README.md'), 'utf8');
  for (const page of ['README.md', ...pages]) {
    const text = readFileSync(join(runbooks, page), 'utf8');
    if (page !== 'README.md') {
      for (const section of ['## What it means', '## How to check', '## What to do']) assert.ok(text.includes(section), `${page}: ${section}`);
      assert.ok(index.includes(`(${page})`), `README.md lists ${page}`);
    }
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      assert.ok(existsSync(join(dirname(join(runbooks, page)), target!)), `${page} links ${target}, which does not exist`);
    }
  }
});

test('the runbook base URL and suffix are configurable: a wiki without .md', async () => {
  const loaded = await loadRulesConfig(join(root, 'alert-rules', 'config', 'rules.yaml'));
  assert.ok('section' in loaded);
  const spec = rulesSpecOf({ ...loaded.section, runbookBaseUrl: 'https://wiki.example.org/ops/sextant/', runbookSuffix: '' });
  const urls = new Set(alertsOf(generateRuleFiles(spec)).map((a) => a.annotations?.runbook_url));
  assert.deepEqual([...urls].sort(), Object.keys(ALERT_KINDS).map((kind) => `https://wiki.example.org/ops/sextant/${kind}`).sort());
  const none = alertsOf(generateRuleFiles({ ...spec, runbookBaseUrl: undefined }));
  assert.ok(none.every((a) => a.annotations?.runbook_url === undefined), 'no base URL: no runbook links');
});
