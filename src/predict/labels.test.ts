import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertPeriod } from './alerts.js';
import { labelWindow } from './labels.js';

const MIN = 60_000;
const options = { horizonMs: 30 * MIN, severities: ['critical'] };
const alert = (startsAt: number, endsAt?: number, severity = 'critical'): AlertPeriod => ({
  entity: 'api', alertname: 'Down', severity, startsAt, ...(endsAt === undefined ? {} : { endsAt }),
});

test('an alert starting inside the horizon makes the window positive with its lead time', () => {
  const label = labelWindow([alert(100 * MIN, 110 * MIN)], 60 * MIN, 90 * MIN, options);
  assert.deepEqual(label, { kind: 'positive', alertStartsAt: 100 * MIN, alertname: 'Down', leadMs: 10 * MIN });
});

test('window borders: start exactly at end + horizon counts, one millisecond later does not', () => {
  assert.equal(labelWindow([alert(120 * MIN)], 60 * MIN, 90 * MIN, options).kind, 'positive');
  assert.equal(labelWindow([alert(120 * MIN + 1)], 60 * MIN, 90 * MIN, options).kind, 'negative');
});

test('window borders: an alert starting exactly at the window end overlaps it and is left out', () => {
  assert.equal(labelWindow([alert(90 * MIN, 95 * MIN)], 60 * MIN, 90 * MIN, options).kind, 'excluded');
});

test('window borders: an alert that ended exactly at the window start does not overlap it', () => {
  assert.equal(labelWindow([alert(40 * MIN, 60 * MIN)], 60 * MIN, 90 * MIN, options).kind, 'negative');
  assert.equal(labelWindow([alert(40 * MIN, 60 * MIN + 1)], 60 * MIN, 90 * MIN, options).kind, 'excluded');
});

test('windows inside an ongoing (unresolved) alert are left out', () => {
  assert.equal(labelWindow([alert(10 * MIN)], 60 * MIN, 90 * MIN, options).kind, 'excluded');
});

test('overlapping alerts: the earliest start inside the horizon gives the lead; any overlap excludes', () => {
  const alerts = [alert(100 * MIN, 130 * MIN), alert(95 * MIN, 140 * MIN)];
  assert.deepEqual(labelWindow(alerts, 60 * MIN, 90 * MIN, options), {
    kind: 'positive', alertStartsAt: 95 * MIN, alertname: 'Down', leadMs: 5 * MIN,
  });
  // A second alert still firing into the window excludes it even though the first one ended before.
  assert.equal(labelWindow([alert(0, 30 * MIN), alert(20 * MIN, 70 * MIN)], 60 * MIN, 90 * MIN, options).kind, 'excluded');
});

test('only the configured severities count', () => {
  assert.equal(labelWindow([alert(100 * MIN, 110 * MIN, 'warning')], 60 * MIN, 90 * MIN, options).kind, 'negative');
  assert.equal(labelWindow([alert(70 * MIN, 110 * MIN, 'warning')], 60 * MIN, 90 * MIN, options).kind, 'negative');
  const both = { ...options, severities: ['critical', 'warning'] };
  assert.equal(labelWindow([alert(100 * MIN, 110 * MIN, 'warning')], 60 * MIN, 90 * MIN, both).kind, 'positive');
});
