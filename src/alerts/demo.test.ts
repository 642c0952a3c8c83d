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
  // The CPU is high in every even 3.5-minute half-period: one firing per multiple of 7 minutes inside
  // the incident, 3.5 minutes long (cut at the incident's end).
  const PERIOD = 7 * 60_000;
  const firings = alerts.filter((a) => a.labels.alertname === 'HostCpuUsageCritical');
  const highs = Array.from({ length: Math.ceil(flap.end / PERIOD) - Math.ceil(flap.start / PERIOD) }, (_, k) => (Math.ceil(flap.start / PERIOD) + k) * PERIOD);
  assert.ok(highs.length >= 16, `a 2h incident: ${highs.length} high half-periods`);
  assert.deepEqual(
    firings.map((a) => [a.startsAtMs, a.endsAtMs]),
    highs.map((t) => [t, Math.min(t + PERIOD / 2, flap.end)]),
  );
  assert.deepEqual(analysis.rulesWithoutRunbook, ['TargetDown']);
  for (const a of alerts) assert.equal(a.fingerprint, fnv1a64(a.labels), `fingerprint of ${JSON.stringify(a.labels)}`);
});

/**
 * Alertmanager's fingerprint of an ASCII label set, written out independently: FNV-1a over
 * name 0xff value 0xff of the labels sorted by name, with the 64-bit product done in 16-bit limbs.
 */
function fnv1a64(labels: Record<string, string>): string {
  let h = [0x2325, 0x8422, 0x9ce4, 0xcbf2]; // offset basis 0xcbf29ce484222325, low limb first
  const prime = [0x01b3, 0x0000, 0x0100, 0x0000]; // 0x100000001b3
  const bytes = Object.keys(labels).sort().flatMap((k) => [...Buffer.from(k, 'ascii'), 0xff, ...Buffer.from(labels[k]!, 'ascii'), 0xff]);
  for (const byte of bytes) {
    h[0] = h[0]! ^ byte;
    const product = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) {
      let carry = 0;
      for (let j = 0; i + j < 4; j++) {
        const sum = product[i + j]! + h[i]! * prime[j]! + carry;
        product[i + j] = sum % 0x10000;
        carry = Math.floor(sum / 0x10000);
      }
    }
    h = product;
  }
  return h.map((limb) => limb.toString(16).padStart(4, '0')).reverse().join('');
}

test('fingerprints are those of prometheus/common (LabelsToSignature), independent of label order', () => {
  // The vectors of prometheus/common's model/signature_test.go: 14695981039346656037 and 5799056148416392346.
  assert.equal(fingerprintOf({}), 'cbf29ce484222325');
  assert.equal(fingerprintOf({ name: 'garland, briggs', fear: 'love is not enough' }), '507a62d79ee76c9a');
  assert.equal(fnv1a64({ name: 'garland, briggs', fear: 'love is not enough' }), '507a62d79ee76c9a');
  assert.equal(fingerprintOf({ a: '1', b: '2' }), fingerprintOf({ b: '2', a: '1' }));
  assert.notEqual(fingerprintOf({ a: '1' }), fingerprintOf({ a: '2' }));
});
