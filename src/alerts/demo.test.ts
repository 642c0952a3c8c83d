import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenario } from '../demo/index.js';
import { analyseAlerts } from './analysis.js';
import { demoAlerts, fingerprintOf } from './demo.js';

const DAY = 86_400_000;

test('every demo incident fires and resolves its alert; the flapping one flaps', () => {
  const demo = scenario(7);
  const range = { start: 0, end: demo.cycleMs };
  const incidents = demo.incidents(range);
  const alerts = demoAlerts(incidents);
  const kinds = new Set(incidents.map((i) => i.kind));
  assert.ok(kinds.has('flapping') && kinds.size >= 5, `incidents: ${[...kinds]}`);
  for (const i of incidents.filter((x) => x.kind !== 'flapping')) {
    assert.ok(alerts.some((a) => a.startsAtMs === i.start && a.endsAtMs === i.end), `alert for ${i.id}`);
  }
  const instances = alerts.map((a) => ({
    fingerprint: a.fingerprint,
    alertname: a.labels.alertname!,
    service: a.labels.service ?? a.labels.instance ?? '',
    severity: a.labels.severity!,
    startsAtMs: a.startsAtMs,
    endsAtMs: a.endsAtMs,
    silenced: false,
    inhibited: false,
    hasRunbook: 'runbook_url' in a.annotations,
  }));
  const analysis = analyseAlerts(instances, range.start, range.end + DAY, range.end + DAY);
  assert.deepEqual(analysis.flappingRules, ['HostCpuUsageCritical']);
  const flap = incidents.find((i) => i.kind === 'flapping')!;
  // A 2h incident with a 7-minute period: about 17 firings, each 3.5 minutes.
  const firings = alerts.filter((a) => a.labels.alertname === 'HostCpuUsageCritical');
  assert.ok(firings.length >= 16 && firings.length <= 18, `${firings.length} firings`);
  assert.ok(firings.every((a) => a.startsAtMs >= flap.start && a.endsAtMs <= flap.end && a.endsAtMs - a.startsAtMs <= 3.5 * 60_000));
  assert.deepEqual(analysis.rulesWithoutRunbook, ['TargetDown']);
  assert.deepEqual(demoAlerts(demo.incidents(range)), alerts, 'deterministic');
});

test('fingerprints depend on the label set only, not on its order', () => {
  assert.equal(fingerprintOf({ a: '1', b: '2' }), fingerprintOf({ b: '2', a: '1' }));
  assert.notEqual(fingerprintOf({ a: '1' }), fingerprintOf({ a: '2' }));
  assert.match(fingerprintOf({}), /^[0-9a-f]{16}$/);
});
