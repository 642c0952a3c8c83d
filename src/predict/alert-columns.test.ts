import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertPeriodColumns, alertPeriodsOf } from './alert-columns.js';
import type { AlertPeriod } from './alerts.js';

test('alert periods come back from their columns as they were, firing ones without an end, each name stored once', () => {
  const periods: AlertPeriod[] = [
    { entity: 'api', alertname: 'HighLatency', severity: 'critical', startsAt: 1_767_571_200_000, endsAt: 1_767_571_800_000 },
    { entity: 'db', alertname: 'HighLatency', severity: 'warning', startsAt: 1_767_571_260_000 },
    { entity: 'api', alertname: 'api', severity: 'critical', startsAt: 1_767_571_320_000, endsAt: 1_767_571_320_000 },
  ];
  const columns = alertPeriodColumns(periods);
  assert.deepEqual(columns.names, ['api', 'HighLatency', 'critical', 'db', 'warning']);
  assert.deepEqual(alertPeriodsOf(columns), periods);
  assert.ok(!('endsAt' in alertPeriodsOf(columns)[1]!));
  assert.deepEqual(alertPeriodsOf(alertPeriodColumns([])), []);
});
