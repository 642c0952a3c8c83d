import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toYaml } from './yaml.js';

test('strings are quoted or literal blocks; structure cannot be broken by values', () => {
  const doc = toYaml({ a: 'x: y\n- z', b: ['plain', 'line1\nline2'], 'odd key': { c: 1, d: true, e: [] } });
  assert.equal(
    doc,
    [
      'a: |-',
      '  x: y',
      '  - z',
      'b:',
      '  - "plain"',
      '  - |-',
      '    line1',
      '    line2',
      '"odd key":',
      '  c: 1',
      '  d: true',
      '  e: []',
      '',
    ].join('\n'),
  );
  assert.equal(toYaml({ v: ' lead\nx' }), 'v: " lead\\nx"\n');
  assert.equal(toYaml({ v: 'tab\there\u0000' }), 'v: "tab\\there\\u0000"\n');
});
