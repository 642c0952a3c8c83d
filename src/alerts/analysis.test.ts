import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseAlerts, type AlertInstance } from './analysis.js';

const M = 60_000;
const base = { service: 'checkout', severity: 'warning', silenced: false, inhibited: false, hasRunbook: true };
const at = (fingerprint: string, alertname: string, start: number, end: number | null, extra: Partial<AlertInstance> = {}): AlertInstance => ({
  ...base,
  fingerprint,
  alertname,
  startsAtMs: start * M,
  endsAtMs: end === null ? null : end * M,
  ...extra,
});

test('counts, firing time, MTTR, flaps, quiet self-resolution and runbooks match a hand computation', () => {
  const instances = [
    // A flaps: resolves at 5, re-fires at 20 (within 30m), resolves at 22, re-fires at 100 (not a flap).
    at('a', 'A', 0, 5),
    at('a', 'A', 20, 22),
    at('a', 'A', 100, 160),
    // B: silenced, long, still firing at now=200; no runbook.
    at('b', 'B', 50, null, { silenced: true, hasRunbook: false, severity: 'critical', service: 'db' }),
    // C: inhibited, resolved after 8 minutes, never silenced: counts as without action.
    at('c', 'C', 10, 18, { inhibited: true }),
  ];
  const a = analyseAlerts(instances, 0, 1000 * M, 200 * M);
  assert.equal(a.total.count, 5);
  assert.equal(a.total.resolved, 4);
  assert.equal(a.total.firingMs, (5 + 2 + 60 + 150 + 8) * M);
  assert.equal(a.total.mttrMs, ((5 + 2 + 60 + 8) / 4) * M);
  assert.equal(a.total.flaps, 1);
  assert.equal(a.total.withoutAction, 3, 'A at 0-5, A at 20-22, C at 10-18');
  assert.equal(a.total.missingRunbook, 1);
  assert.deepEqual(a.noisiest, [
    { alertname: 'A', count: 3 },
    { alertname: 'B', count: 1 },
    { alertname: 'C', count: 1 },
  ]);
  assert.deepEqual(a.flappingRules, ['A']);
  assert.deepEqual(a.rulesWithoutRunbook, ['B']);
  assert.deepEqual(a.bySeverity.map((g) => [g.key, g.count]), [['warning', 4], ['critical', 1]]);
  assert.deepEqual(a.byService.map((g) => [g.key, g.count, g.silenced]), [['checkout', 4, 0], ['db', 1, 1]]);
  const ruleA = a.byRule.find((g) => g.key === 'A')!;
  assert.equal(ruleA.mttrMs, ((5 + 2 + 60) / 3) * M);
});

test('the range selects by start; a flap is recognised from history before the range', () => {
  const instances = [at('a', 'A', 0, 5), at('a', 'A', 20, 22)];
  const a = analyseAlerts(instances, 10 * M, 30 * M, 30 * M);
  assert.equal(a.total.count, 1);
  assert.equal(a.total.flaps, 1);
  assert.equal(analyseAlerts([], 0, 1, 1).total.mttrMs, null);
});
