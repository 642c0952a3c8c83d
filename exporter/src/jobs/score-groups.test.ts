import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupStateId, membershipOf } from './score-groups.js';

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
