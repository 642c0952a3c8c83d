import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkLabelName, formatDuration, parseDuration, quoteString, renderSelector, RuleInputError } from './promql.js';

test('label names follow Prometheus: letters, digits, _; no reserved __ prefix', () => {
  for (const ok of ['job', '_x', 'a1_b']) assert.equal(checkLabelName(ok, 'here'), ok);
  for (const bad of ['1a', 'a-b', 'a b', '__meta', '', 'a"}', 'é']) {
    assert.throws(() => checkLabelName(bad, 'rules.x'), (e: Error) => e instanceof RuleInputError && e.message.startsWith('rules.x: label name'));
  }
});

test('quoted values escape quotes, backslashes and control characters and stay one ASCII line', () => {
  assert.equal(quoteString('a"b\\c', 'w'), '"a\\"b\\\\c"');
  assert.equal(quoteString('x\ny\t\r', 'w'), '"x\\ny\\t\\r"');
  assert.equal(quoteString('é😀\u2028', 'w'), '"\\u00e9\\U0001f600\\u2028"');
  const hostile = '"} or vector(1) or up{a="';
  const q = quoteString(hostile, 'w');
  assert.equal(JSON.parse(q), hostile, 'the literal decodes back to the input');
  assert.match(q, /^"[\x20-\x7e]*"$/);
});

test('unpaired surrogates cannot be made valid UTF-8 and are rejected', () => {
  assert.throws(() => quoteString('a\ud800b', 'rules.slos[0].labels.x'), /rules\.slos\[0\]\.labels\.x: .*unpaired surrogate/);
});

test('selectors render matchers in order with escaped values', () => {
  const s = renderSelector({ metric: 'http_requests_total', matchers: { job: 'a"b', code: { regex: '5..' }, env: { notEquals: 'dev' } } }, 'w');
  assert.equal(s, 'http_requests_total{job="a\\"b",code=~"5..",env!="dev"}');
  assert.throws(() => renderSelector({ metric: 'up} or vector(1)' }, 'w'), /metric name/);
  assert.throws(() => renderSelector({ metric: 'up', matchers: { 'job"}': 'x' } }, 'w'), /label name/);
  assert.throws(() => renderSelector({ metric: 'up', matchers: { job: { regex: '(?=x)' } } }, 'w'), /lookaround/);
  assert.throws(() => renderSelector({ metric: 'up', matchers: { job: { regex: '(' } } }, 'w'), /not valid/);
});

test('durations round-trip in Prometheus form', () => {
  assert.equal(formatDuration(280_000), '4m40s');
  assert.equal(formatDuration(86_400_000 * 3), '3d');
  assert.equal(parseDuration('1h30m', 'w'), 5_400_000);
  assert.equal(parseDuration('1w', 'w'), 7 * 86_400_000);
  for (const bad of ['', '5', '5x', '-1m', '0s', '1m 2s']) assert.throws(() => parseDuration(bad, 'rules.p'), /rules\.p: /);
});
