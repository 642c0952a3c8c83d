import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertInstance } from './analysis.js';
import { alertSeries } from './series.js';

const M = 60_000;
const inst = (start: number, end: number | null, alertname = 'A'): AlertInstance => ({
  fingerprint: `f${start}`,
  alertname,
  service: 's',
  severity: 'warning',
  startsAtMs: start * M,
  endsAtMs: end === null ? null : end * M,
  silenced: false,
  inhibited: false,
  hasRunbook: true,
});

test('firing counts alerts active at each step; started counts starts in the step before it', () => {
  const { firing, started } = alertSeries([inst(1, 3), inst(2, null), inst(10, 11, 'B')], { start: 0, end: 6 * M }, M, 5 * M);
  assert.deepEqual(firing.map((s) => [s.labels.alertname, s.samples.map((p) => p.v)]), [['A', [0, 1, 2, 1, 1, 1]]]);
  assert.deepEqual(started.map((s) => [s.labels.alertname, s.samples.map((p) => p.v)]), [['A', [0, 0, 1, 1, 0, 0]]]);
  assert.deepEqual(firing[0]!.labels, { alertname: 'A', service: 's', severity: 'warning' });
});
