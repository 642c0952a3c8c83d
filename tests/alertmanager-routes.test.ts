// provisioning/alertmanager/sextant-routes.example.yml, the example routing of Sextant's generated
// alerts to Slack, email and a webhook by severity, checked by the real amtool (Debian's
// prometheus-alertmanager): the file is valid, and every alert the reference rules emit, and every
// category at every severity, reaches the receiver the routing intends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ALERT_CATEGORIES, ALERT_KINDS } from '@sextant/core/rules';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'provisioning', 'alertmanager', 'sextant-routes.example.yml');

/** The intent, as docs/alerts.md states it: critical pages; warnings by category; the rest to the webhook. */
function intendedReceiver(labels: Record<string, string>): string {
  const category = labels.sextant_category;
  if (category === undefined) return 'default';
  if (labels.severity === 'critical') return 'sextant-critical';
  if (labels.severity !== 'warning') return 'sextant-info';
  if (category === 'slo' || category === 'risk') return 'sextant-warning';
  if (category === 'capacity' || category === 'threshold') return 'sextant-capacity';
  return 'sextant-anomalies';
}

function amtool(args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('amtool', args, { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function routesTo(labels: Record<string, string>): { ok: boolean; output: string } {
  const expected = intendedReceiver(labels);
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return amtool(['config', 'routes', 'test', `--config.file=${example}`, `--verify.receivers=${expected}`, ...pairs]);
}

interface RuleFile {
  groups: Array<{ rules: Array<{ alert?: string; labels?: Record<string, string> }> }>;
}

test('amtool check-config accepts the example, whose receivers send to Slack, email and a webhook', () => {
  const check = amtool(['check-config', example]);
  assert.ok(check.ok, check.output);
  const config = YAML.parse(readFileSync(example, 'utf8')) as { receivers: Array<Record<string, unknown>>; route: { routes: Array<{ matchers: string[] }> } };
  const kinds = new Set(config.receivers.flatMap((r) => Object.keys(r).filter((k) => k.endsWith('_configs'))));
  assert.deepEqual([...kinds].sort(), ['email_configs', 'slack_configs', 'webhook_configs']);
  // The branch takes exactly the categories the generator writes: a new one cannot be forgotten.
  const branch = config.route.routes[0]!.matchers[0]!;
  assert.equal(branch, `sextant_category=~"${ALERT_CATEGORIES.join('|')}"`);
});

test('every alert of the reference rules reaches its intended receiver (amtool config routes test)', () => {
  const alerts = readdirSync(join(root, 'alert-rules'))
    .filter((name) => name.endsWith('.rules.yml'))
    .flatMap((name) => (YAML.parse(readFileSync(join(root, 'alert-rules', name), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules))
    .filter((r) => r.alert !== undefined);
  const seen = new Set<string>();
  const kinds = new Set<string>();
  for (const rule of alerts) {
    const labels: Record<string, string> = { alertname: rule.alert!, ...rule.labels };
    kinds.add(labels.sextant_category ?? '');
    const key = JSON.stringify(labels);
    if (seen.has(key)) continue;
    seen.add(key);
    const routed = routesTo(labels);
    assert.ok(routed.ok, `${key} should reach ${intendedReceiver(labels)}:\n${routed.output}`);
  }
  assert.deepEqual([...kinds].sort(), [...new Set(Object.values(ALERT_KINDS))].sort(), 'the reference rules hold every category');
});

test('every category at every severity, and an alert that is not Sextant\'s, route as intended', () => {
  for (const category of ALERT_CATEGORIES) {
    for (const severity of ['critical', 'warning', 'info']) {
      const routed = routesTo({ alertname: 'Example', sextant_category: category, severity });
      assert.ok(routed.ok, `${category}/${severity}:\n${routed.output}`);
    }
  }
  const theirs = routesTo({ alertname: 'TheirOwnAlert', severity: 'critical', service: 'checkout' });
  assert.ok(theirs.ok, `an alert without sextant_category stays on the default route:\n${theirs.output}`);
  // And the check can fail: a wrong expectation is refused by amtool.
  const wrong = amtool(['config', 'routes', 'test', `--config.file=${example}`, '--verify.receivers=sextant-info', 'sextant_category=slo', 'severity=critical']);
  assert.equal(wrong.ok, false, wrong.output);
});
