import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScoredPoint } from '@sextant/core/anomaly';
import { groupStateId, memberName, membershipOf, nameBlamedMembers } from './score-groups.js';
import { POINTS_PER_SLICE } from './score-slices.js';
import { countingTurns } from '../testing/event-loop-turns.js';

test('group state ids are stable, negative (never a real series id) and differ between groups', () => {
  assert.equal(groupStateId('service:checkout'), groupStateId('service:checkout'));
  assert.ok(groupStateId('service:checkout') < 0);
  assert.ok(Number.isSafeInteger(groupStateId('host:node-1:9100')));
  assert.notEqual(groupStateId('service:checkout'), groupStateId('service:payments'));
});

test('the membership fingerprint changes when a member joins, leaves or the order changes', () => {
  const a = { dataset: 'http_error_ratio', seriesId: 1 };
  const b = { dataset: 'http_requests_per_second', seriesId: 1 };
  const c = { dataset: 'up', seriesId: 7 };
  assert.equal(membershipOf([a, b]), membershipOf([{ ...a }, { ...b }]));
  assert.notEqual(membershipOf([a, b]), membershipOf([a, b, c]));
  assert.notEqual(membershipOf([a, b]), membershipOf([a]));
  assert.notEqual(membershipOf([a, b]), membershipOf([b, a]));
});

test('a member is named by its dataset and labels, as Prometheus prints a series', () => {
  assert.equal(memberName({ dataset: 'http_error_ratio', labels: { job: 'api', instance: 'a:1' } }), 'http_error_ratio{instance="a:1",job="api"}');
  assert.equal(memberName({ dataset: 'up', labels: { __name__: 'up', job: 'node' } }), 'up{job="node"}');
  assert.equal(memberName({ dataset: 'errors', labels: { __name__: 'http_errors_total', job: 'a"b' } }), 'errors{__name__="http_errors_total",job="a\\"b"}');
  assert.equal(memberName({ dataset: 'up', labels: {} }), 'up');
});

test('the members an alarm blames get their series names, with a turn of the event loop every POINTS_PER_SLICE points', async () => {
  // Three members, two weeks of 15 s steps each (a first run): every 100th point blames members 2 and 0.
  const point = (t: number, blamed: boolean): ScoredPoint => ({
    t, value: 1, score: blamed ? 0.9 : 0.1, expected: 1, lower: 0, upper: 2, deviation: 0, detector: blamed ? 'isolation-forest' : 'seasonal-baseline', severity: blamed ? 'high' : 'low',
    ...(blamed ? { evidence: { members: [{ index: 2, deviation: 9 }, { index: 0, deviation: 6 }] } } : {}),
  });
  const aligned = [0, 1, 2].map(() => Array.from({ length: 80_640 }, (_, k) => point(k * 15_000, k % 100 === 0)));
  const names = ['up{job="api"}', 'http_error_ratio{job="api"}', 'http_request_duration_p95_seconds{job="api"}'];
  const { turns } = await countingTurns(() => nameBlamedMembers(aligned, names));
  assert.deepEqual(aligned[1]![300]!.evidence?.members, [
    { index: 2, deviation: 9, name: 'http_request_duration_p95_seconds{job="api"}' },
    { index: 0, deviation: 6, name: 'up{job="api"}' },
  ]);
  assert.equal(aligned[1]![301]!.evidence, undefined);
  assert.ok(turns >= Math.floor((3 * 80_640) / POINTS_PER_SLICE), `${turns} turns for ${3 * 80_640} points`);
});
