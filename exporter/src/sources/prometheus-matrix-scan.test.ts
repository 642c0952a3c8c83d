import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMatrix } from './prometheus-matrix-scan.js';
import { parseMatrix } from './prometheus-response.js';

const body = (result: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result }, ...extra });
/** The same body pretty-printed: the fast path gives up on whitespace, so parseMatrix reads it the general way. */
const general = (text: string) => parseMatrix(JSON.stringify(JSON.parse(text), null, 1));

test("the fast path reads Prometheus' compact answers exactly as the general path does", () => {
  const cases = [
    body([]),
    body([{ metric: {}, values: [] }]),
    body([
      { metric: { __name__: 'up', job: 'a "quoted" \\ job', instance: 'x}{,:' , 'ü': 'é\u0001' }, values: [[1700000000, '1'], [1700000015.5, 'NaN'], [1700000030.125, '+Inf'], [1700000045, '-Inf'], [1700000060, '1e-3'], [1700000075, '-0.25']] },
      { metric: { job: 'b' }, values: [[-5, '3.5'], [0, '0'], [0.5, '2'], [-1.25, '1'], [1700000000.1234, '1'], [1700000000.001, '2']] },
    ]),
    `${body([{ metric: { a: '1' }, values: [[1, '1']] }])}\n`,
  ];
  for (const text of cases) {
    const fast = scanMatrix(text);
    assert.ok(fast, text);
    assert.deepEqual(fast, general(text));
  }
});

test('the fast path gives up on anything else, which the general path then reads or refuses', () => {
  const valid = body([{ metric: { a: '1' }, values: [[1, '1']] }]);
  const giveUp = [
    JSON.stringify(JSON.parse(valid), null, 2),
    body([{ metric: { a: '1' }, values: [[1, '1']] }], { warnings: ['result truncated'] }),
    body([{ metric: { a: '1' }, values: [[1, '1']], histograms: [] }]),
    body([{ values: [[1, '1']], metric: { a: '1' } }]),
    body([{ metric: { a: '1' }, values: [[1e21, '1']] }]),
    body([{ metric: { a: '1' }, values: [[1, '\\u0031']] }]),
    valid.replace('[[1,"1"]]', '[[01,"1"]]'),
    valid.replace('[[1,"1"]]', '[[1.,"1"]]'),
    valid.replace('[[1,"1"]]', '[[1,1]]'),
    valid.replace('[[1,"1"]]', '[[1,"abc"]]'),
    valid.replace('[[1,"1"]]', '[[1," 1"]]'),
    valid.replace('[[1,"1"]]', '[[1,"1",2]]'),
    valid.replace('{"a":"1"}', '{"a":1}'),
    valid.replace('{"a":"1"}', '{"a":"\\x"}'),
    valid.slice(0, valid.length - 5),
    `${valid}garbage`,
    valid.replace('"success"', '"error"'),
  ];
  for (const text of giveUp) {
    assert.equal(scanMatrix(text), undefined, text);
    let general: unknown;
    try {
      general = parseMatrix(text);
    } catch {
      continue;
    }
    assert.ok(Array.isArray(general), text);
  }
});
