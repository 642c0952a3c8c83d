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

test('200,000 instances: every group counted right (checked against arithmetic over how they were made)', () => {
  // Fingerprint f fires every hour, 200 times: 5 minutes at even k, 45 at odd k; so each even k >= 2
  // starts 15 minutes after a 45-minute firing ended (a flap), and each odd k 55 minutes after (none).
  const FINGERPRINTS = 1000;
  const FIRINGS = 200;
  const SEVERITIES = ['critical', 'warning', 'info'];
  const instances: AlertInstance[] = [];
  for (let k = 0; k < FIRINGS; k++) {
    for (let f = 0; f < FINGERPRINTS; f++) {
      const start = k * 60;
      instances.push(at(`fp${f}`, `rule${f % 40}`, start, start + (k % 2 ? 45 : 5), { severity: SEVERITIES[f % 3]!, service: `svc${f % 7}` }));
    }
  }
  const a = analyseAlerts(instances, 0, FIRINGS * 60 * M, FIRINGS * 60 * M);
  const flapsPerFingerprint = FIRINGS / 2 - 1;
  assert.deepEqual(
    { count: a.total.count, resolved: a.total.resolved, flaps: a.total.flaps, withoutAction: a.total.withoutAction, firingMs: a.total.firingMs, mttrMs: a.total.mttrMs },
    {
      count: 200_000,
      resolved: 200_000,
      flaps: FINGERPRINTS * flapsPerFingerprint,
      withoutAction: 100_000,
      firingMs: FINGERPRINTS * (FIRINGS / 2) * (5 + 45) * M,
      mttrMs: 25 * M,
    },
  );
  assert.equal(a.byRule.length, 40);
  for (const g of a.byRule) assert.deepEqual([g.count, g.flaps], [25 * FIRINGS, 25 * flapsPerFingerprint], g.key);
  const fingerprintsWith = (n: number, mod: number, r: number) => Array.from({ length: n }, (_, f) => f).filter((f) => f % mod === r).length;
  assert.deepEqual(
    a.bySeverity.map((g) => [g.key, g.count]),
    [
      ['critical', fingerprintsWith(FINGERPRINTS, 3, 0) * FIRINGS],
      ['info', fingerprintsWith(FINGERPRINTS, 3, 2) * FIRINGS],
      ['warning', fingerprintsWith(FINGERPRINTS, 3, 1) * FIRINGS],
    ],
  );
  assert.deepEqual(
    a.byService.map((g) => g.count).sort((x, y) => x - y),
    Array.from({ length: 7 }, (_, r) => fingerprintsWith(FINGERPRINTS, 7, r) * FIRINGS).sort((x, y) => x - y),
  );
});
