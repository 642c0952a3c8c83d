import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookupTable } from './lookup-table.js';
import { normalTail, twoSidedTailDecades } from './normal.js';

test('a lookup table reads back the sampled function within the interpolation error', () => {
  const table = new LookupTable(twoSidedTailDecades, 0, 16, 4096);
  for (let z = 0; z < 16; z += 0.0137) {
    assert.ok(Math.abs(table.at(z) - twoSidedTailDecades(z)) < 1e-5, `z=${z}: ${table.at(z)} vs ${twoSidedTailDecades(z)}`);
  }
});

test('outside its range a lookup table returns the end values, and NaN gives the first', () => {
  const table = new LookupTable((z) => normalTail(z), -8, 8, 4096);
  assert.equal(table.at(-100), normalTail(-8));
  assert.equal(table.at(100), normalTail(8));
  assert.equal(table.at(Number.NaN), normalTail(-8));
  assert.equal(table.at(0), normalTail(0));
});
