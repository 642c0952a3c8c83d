// The generated rule files are checked by the real promtool and amtool (Debian packages): syntax, lint
// and the generated unit tests, for the reference stack and for a table of configs with hostile input.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'exporter/dist/cli.js');

function tool(cmd: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function generate(config: string): { dir: string; ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-rules-'));
  writeFileSync(join(dir, 'config.yaml'), config);
  const r = spawnSync(process.execPath, [cli, 'rules', 'generate', '--config', join(dir, 'config.yaml'), '--out', join(dir, 'out')], { encoding: 'utf8' });
  return { dir: join(dir, 'out'), ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function promtoolAll(dir: string): void {
  const rules = readdirSync(dir).filter((f) => f.endsWith('.rules.yml'));
  const tests = readdirSync(dir).filter((f) => f.endsWith('.rules.test.yml'));
  assert.ok(rules.length > 0 && tests.length === rules.length, `rule and test files in ${dir}`);
  const check = tool('promtool', ['check', 'rules', ...rules], dir);
  assert.ok(check.ok, check.output);
  const unit = tool('promtool', ['test', 'rules', ...tests], dir);
  assert.ok(unit.ok, unit.output);
}

test('alert-rules/ is what the reference config generates, and promtool accepts and passes it', () => {
  const fresh = generate(readFileSync(join(root, 'alert-rules/config/rules.yaml'), 'utf8'));
  assert.ok(fresh.ok, fresh.output);
  for (const f of readdirSync(fresh.dir)) {
    assert.equal(readFileSync(join(root, 'alert-rules', f), 'utf8'), readFileSync(join(fresh.dir, f), 'utf8'), `alert-rules/${f} is stale: regenerate`);
  }
  promtoolAll(join(root, 'alert-rules'));
});

test('reference Prometheus and Alertmanager configs pass promtool check config and amtool check-config', () => {
  const prom = tool('promtool', ['check', 'config', 'provisioning/prometheus/prometheus.yml'], root);
  assert.ok(prom.ok, prom.output);
  assert.match(prom.output, /SUCCESS: 8 rule files found/);
  const am = tool('amtool', ['check-config', 'provisioning/alertmanager/alertmanager.yml'], root);
  assert.ok(am.ok, am.output);
  const config = parse(readFileSync(join(root, 'provisioning/alertmanager/alertmanager.yml'), 'utf8'));
  const hook = config.receivers[0].webhook_configs[0];
  assert.equal(hook.url, 'http://sextant:9890/api/v1/alerts/webhook');
  assert.equal(hook.send_resolved, true);
});

test("Sextant's bands live beside promql-anomaly-detection's adaptive strategy: neither takes the other's series", () => {
  const g = generate(readFileSync(join(root, 'alert-rules/config/rules.yaml'), 'utf8'));
  assert.ok(g.ok, g.output);
  // Scraped with honor_labels (provisioning/prometheus/prometheus.yml): the series keep their job.
  const sextant = (metric: string) => `${metric}{instance="host-1:9100",job="node",sextant_dataset="node_cpu_utilisation_ratio",sextant_detector="ensemble",sextant_tenant="default"}`;
  writeFileSync(
    join(g.dir, 'both.test.yml'),
    `rule_files: [bands.rules.yml, sextant-bands.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'http_requests_total{job="demo-workload"}', values: '0+6000x130' }
      - { series: '${sextant('sextant_anomaly_value')}', values: '30x130' }
      - { series: '${sextant('sextant_anomaly_upper_band')}', values: '15x130' }
      - { series: '${sextant('sextant_anomaly_lower_band')}', values: '5x130' }
    promql_expr_test:
      - expr: count by (anomaly_strategy) (anomaly:level)
        eval_time: 120m
        exp_samples:
          - { labels: '{anomaly_strategy="adaptive"}', value: 1 }
          - { labels: '{anomaly_strategy="sextant"}', value: 1 }
      - expr: count by (anomaly_strategy, anomaly_name) (anomaly:upper_band)
        eval_time: 120m
        exp_samples:
          - { labels: '{anomaly_strategy="adaptive",anomaly_name="demo_requests"}', value: 1 }
          - { labels: '{anomaly_strategy="sextant",anomaly_name="node_cpu_utilisation_ratio"}', value: 1 }
    alert_rule_test:
      - eval_time: 120m
        alertname: AnomalyDetected
        exp_alerts:
          - exp_labels: { instance: host-1:9100, job: node, sextant_dataset: node_cpu_utilisation_ratio, sextant_detector: ensemble, sextant_tenant: default, anomaly_name: node_cpu_utilisation_ratio, anomaly_select: '1', anomaly_strategy: sextant, severity: warning, sextant_category: anomaly }
            exp_annotations:
              summary: "Anomaly: node_cpu_utilisation_ratio outside Sextant's band for 5m"
              description: dataset=node_cpu_utilisation_ratio job=node instance=host-1:9100
              runbook_url: https://github.com/sextant/sextant/blob/main/docs/runbooks/anomaly-band.md
`,
  );
  const unit = tool('promtool', ['test', 'rules', 'both.test.yml'], g.dir);
  assert.ok(unit.ok, unit.output);
});

test("Sextant's bands: the level is the scored value; recorded from the expected value, AnomalyDetected could never fire", () => {
  const g = generate(readFileSync(join(root, 'alert-rules/config/rules.yaml'), 'utf8'));
  const file = join(g.dir, 'sextant-bands.rules.yml');
  const broken = readFileSync(file, 'utf8').replace('sextant_anomaly_value{', 'sextant_anomaly_level{');
  assert.notEqual(broken, readFileSync(file, 'utf8'));
  writeFileSync(file, broken);
  const unit = tool('promtool', ['test', 'rules', 'sextant-bands.rules.test.yml'], g.dir);
  assert.equal(unit.ok, false);
  assert.match(unit.output, /AnomalyDetected: fires/);
});

const HOSTILE = [
  '"} or vector(1) or up{a="',
  'line1\nline2: [x]\n- y',
  '{{ query "up" }} {{ $labels.x }}',
  '\\"\\\\ back\\slash',
  "--- &a *a !tag | > ' % @ ` # c",
  'é 😀 \u2028 \t tab',
  '',
];

const hostileConfig = (value: string) => `
slos:
  - service: ${JSON.stringify(value || 'svc')}
    name: ${JSON.stringify(`slo ${value}`)}
    objective: 99.5
    period: 28d
    errors: { metric: req_total, matchers: { svc: ${JSON.stringify(value)}, code: { regex: "5..|x${value.replace(/[^a-z]/g, '')}" } } }
    total: { metric: req_total, matchers: { svc: ${JSON.stringify(value)} } }
    labels: { owner: ${JSON.stringify(value)} }
scores:
  - { alert: ScoreHigh, metric: sextant_anomaly_score, above: 0.8, for: 5m, severity: warning, filters: { service: ${JSON.stringify(value)} } }
bands:
  - { name: b1, type: latency, selector: { metric: lat, matchers: { svc: ${JSON.stringify(value)} } }, kind: gauge, by: [svc] }
thresholds:
  node: { job: ${JSON.stringify(value)} }
  http: { env: ${JSON.stringify(value)} }
capacity:
  node: { job: ${JSON.stringify(value)} }
absent:
  datasets:
    - { name: ${JSON.stringify(`ds ${value}`)}, selector: { metric: up, matchers: { job: ${JSON.stringify(value)} } } }
`;

for (const [i, value] of HOSTILE.entries()) {
  test(`hostile label value #${i} ${JSON.stringify(value)} stays data: promtool checks and tests pass`, () => {
    const g = generate(hostileConfig(value));
    assert.ok(g.ok, g.output);
    promtoolAll(g.dir);
    // The value reaches Prometheus exactly: the SLO's owner label, parsed back from the YAML.
    const slo = parse(readFileSync(join(g.dir, 'slo.rules.yml'), 'utf8'));
    assert.equal(slo.groups[0].rules[0].labels.owner, value);
    assert.equal(slo.groups.length, 3, 'no value added or split a group');
  });
}

const REJECTED: [string, string, RegExp][] = [
  ['label name with a quote', 'thresholds: { node: { "job\\"}": x } }', /label name "job\\"}" is not valid/],
  ['metric name with braces', 'absent: { datasets: [ { name: a, selector: { metric: "up} or vector(1)" } } ] }', /metric name "up} or vector\(1\)" is not valid/],
  ['objective out of range', 'slos: [ { service: a, name: b, objective: 100, errors: { metric: e }, total: { metric: t } } ]', /rules\.slos\[0\]\.objective/],
  ['regex with lookahead', 'slos: [ { service: a, name: b, objective: 99, errors: { metric: e, matchers: { c: { regex: "(?=5)" } } }, total: { metric: t } } ]', /lookaround/],
  ['unknown key', 'thresholds: { cpu: 90 }', /rules\.thresholds.*cpu/],
  ['bad duration', 'absent: { for: soon }', /rules\.absent\.for: .*Prometheus duration/],
  ['severity that cannot be part of a name', 'thresholds: { cpuPercent: [ { above: 90, for: 5m, severity: "😀" } ] }', /severity.*letters, digits/],
  ['YAML syntax error', 'slos: [', /config\.yaml: /],
];

for (const [name, config, message] of REJECTED) {
  test(`rejected with a clear error: ${name}`, () => {
    const g = generate(config);
    assert.equal(g.ok, false);
    assert.match(g.output, message);
    assert.doesNotMatch(g.output, /at .*\.js:\d+/, 'no stack trace');
  });
}

test('sextant.yaml with a rules: section works as the config too, with the same result', () => {
  const standalone = readFileSync(join(root, 'alert-rules/config/rules.yaml'), 'utf8');
  const nested = `server: { port: 9890 }\nrules:\n${standalone.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
  const a = generate(standalone);
  const b = generate(nested);
  assert.ok(b.ok, b.output);
  for (const f of readdirSync(a.dir)) assert.equal(readFileSync(join(b.dir, f), 'utf8'), readFileSync(join(a.dir, f), 'utf8'), f);
});

test('the minimum-traffic guard is what keeps the trickle test quiet: without it, promtool sees a page', () => {
  const g = generate(readFileSync(join(root, 'alert-rules/config/rules.yaml'), 'utf8'));
  const file = join(g.dir, 'slo.rules.yml');
  const unguarded = readFileSync(file, 'utf8').replace(/\n\s*and on \(\)\n\s*\(sum\(increase\([^\n]*\) >= \d+\)/g, '');
  assert.notEqual(unguarded, readFileSync(file, 'utf8'));
  writeFileSync(file, unguarded);
  const unit = tool('promtool', ['test', 'rules', 'slo.rules.test.yml'], g.dir);
  assert.equal(unit.ok, false);
  assert.match(unit.output, /one failed request on a low-traffic service does not page/);
  assert.match(unit.output, /sloth_severity="page"/);
});

test('promtool is the real one', () => {
  assert.match(execFileSync('promtool', ['--version'], { encoding: 'utf8' }), /promtool, version/);
});
