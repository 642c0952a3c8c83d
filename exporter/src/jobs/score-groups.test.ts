import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupStateId, memberName, membershipOf } from './score-groups.js';

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
