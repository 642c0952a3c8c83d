// The stack's Prometheus and Alertmanager configurations pass their own tools' checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoPath } from './support/stack.js';

function run(tool: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(tool, args, { cwd: repoPath('.'), encoding: 'utf8' });
  if (result.error) throw new Error(`${tool}: ${result.error.message} (install Debian's prometheus and prometheus-alertmanager)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('provisioning/prometheus/prometheus.yml passes promtool check config, rule files included', () => {
  const { status, output } = run('promtool', ['check', 'config', 'provisioning/prometheus/prometheus.yml']);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});

test('provisioning/alertmanager/alertmanager.yml passes amtool check-config', () => {
  const { status, output } = run('amtool', ['check-config', 'provisioning/alertmanager/alertmanager.yml']);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});
