import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertInstance } from './analysis.js';
import { alertInstanceColumns, alertInstancesOf } from './instance-columns.js';

test('alert instances survive the trip through columns: every field, a null end, each flag alone; each string once', () => {
  const instances: AlertInstance[] = [
    { fingerprint: 'f1', alertname: 'A', service: 'api', severity: 'critical', startsAtMs: 1_000, endsAtMs: 2_000, silenced: true, inhibited: false, hasRunbook: false },
    { fingerprint: 'f2', alertname: 'B', service: 'api', severity: 'warning', startsAtMs: 1_500, endsAtMs: null, silenced: false, inhibited: true, hasRunbook: false },
    { fingerprint: 'f1', alertname: 'A', service: '', severity: 'critical', startsAtMs: 3_000, endsAtMs: 3_000.5, silenced: false, inhibited: false, hasRunbook: true },
  ];
  const columns = alertInstanceColumns(instances);
  assert.deepEqual(columns.names, ['f1', 'A', 'api', 'critical', 'f2', 'B', 'warning', '']);
  assert.deepEqual([...columns.flags], [1, 2, 4]);
  assert.deepEqual(alertInstancesOf(columns), instances);
  assert.deepEqual(alertInstancesOf(alertInstanceColumns([])), []);
});
