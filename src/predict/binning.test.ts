import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binOf, fitBins, thresholdOfBin } from './binning.js';

test('bins keep resolution in a rare tail, missing values get bin 0, and thresholds match bins', () => {
  // 990 values in [0, 1) and 10 in [10, 100]: quantile cuts alone would put the whole tail in one bin.
  const column = Float64Array.from({ length: 1000 }, (_, i) => (i < 990 ? i / 990 : 10 + (i - 990) * 10));
  const { cuts } = fitBins({ rows: 1000, columns: [column] }, 16);
  const [c] = cuts;
  assert.ok(c!.length <= 15);
  assert.ok(c!.filter((v) => v > 1).length >= 5, `tail cuts: ${Array.from(c!).join(', ')}`);
  assert.ok(Array.from(c!).every((v, i, all) => i === 0 || v > all[i - 1]!));
  assert.equal(binOf(c!, NaN), 0);
  for (const v of [0, 0.5, 5, 42, 100]) {
    const b = binOf(c!, v);
    // "bin <= b" is exactly "v <= threshold of b" (and b - 1 excludes v).
    assert.ok(v <= thresholdOfBin(c!, b) || b === c!.length + 1);
    assert.ok(!(v <= thresholdOfBin(c!, b - 1)));
  }
});
