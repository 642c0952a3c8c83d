import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../stats/random.js';
import { averagePathLength, IsolationForest } from './isolation-forest.js';

function cloud(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = random() * 10;
    data[2 * i] = x;
    data[2 * i + 1] = x + random(); // y follows x
  }
  return data;
}

test('points off the joint pattern and far outliers score higher than the points on it', () => {
  const data = cloud(2000, 1);
  const forest = IsolationForest.fit(data, 2);
  const normal = forest.scoreAll(data);
  const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
  // Each coordinate alone is in range; together they break y ~ x.
  const odd = [forest.score([1, 9]), forest.score([9, 2]), forest.score([5, 1])];
  for (const s of odd) assert.ok(s > mean + 0.1, `off-pattern point scores ${s}, normal points ${mean} on average`);
  const far = forest.score([30, 30]);
  assert.ok(far > Math.max(...normal), `far outlier ${far} vs highest normal ${Math.max(...normal)}`);
});

test('the same seed gives the same forest', () => {
  const data = cloud(1000, 2);
  assert.deepEqual(IsolationForest.fit(data, 2).scoreAll(data), IsolationForest.fit(data, 2).scoreAll(data));
});

test('c(n) matches the paper: c(2) = 1, c(256) ~ 10.24', () => {
  assert.equal(averagePathLength(2), 1);
  assert.ok(Math.abs(averagePathLength(256) - 10.2448) < 0.01);
});

test('scoring all rows at once gives exactly the scores of scoring them one by one', () => {
  const random = seededRandom(9);
  const data = new Float64Array(500 * 3);
  for (let i = 0; i < data.length; i++) data[i] = random() + (i % 97 === 0 ? 5 : 0);
  const forest = IsolationForest.fit(data, 3, { trees: 20, sampleSize: 128, seed: 4 });
  const all = forest.scoreAll(data);
  for (let r = 0; r < 500; r++) assert.equal(all[r], forest.score(data, r * 3), `row ${r}`);
});
