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

test('two points, or points all alike, score exactly 2^-1 = 0.5 whatever the seed', () => {
  for (const seed of [1, 2, 3]) {
    // Two points: every tree splits them at its root, so each leaves at depth 1, and c(2) = 1.
    const two = IsolationForest.fit([0, 1], 1, { trees: 50, sampleSize: 256, seed });
    assert.deepEqual([two.score([0]), two.score([1]), two.score([0.4])], [0.5, 0.5, 0.5], `seed ${seed}`);
    // No feature varies: every tree is one leaf of psi points, whose correction c(psi) is the whole path.
    const alike = IsolationForest.fit([2, 2, 2, 2, 2, 2, 2, 2], 2, { trees: 50, sampleSize: 256, seed });
    assert.ok(Math.abs(alike.score([2, 2]) - 0.5) < 1e-12, `seed ${seed}: ${alike.score([2, 2])}`);
  }
});

test('three points 0, 1 and 10 score as their expected path lengths in the paper say', () => {
  // psi = 3, depth limit ceil(log2 3) = 2. The root splits uniformly in (0, 10): below 1 (odds 0.1) it
  // isolates 0 at depth 1, and 1 and 10 at depth 2; above 1 (0.9) it isolates 10 at depth 1, and 0 and
  // 1 at depth 2. E[h(10)] = 0.1 * 2 + 0.9 * 1 = 1.1, E[h(0)] = 1.9, h(1) = 2; s = 2^(-E[h] / c(3)).
  const forest = IsolationForest.fit([0, 1, 10], 1, { trees: 4000, sampleSize: 256, seed: 5 });
  const c3 = 2 * (Math.log(2) + 0.5772156649) - 4 / 3;
  const expected = (h: number) => Math.pow(2, -h / c3);
  assert.ok(Math.abs(forest.score([1]) - expected(2)) < 1e-12, `h(1) = 2 in every tree: ${forest.score([1])}`);
  // 4000 trees: the mean depth of 10 and of 0 has a standard error of 0.3 / sqrt(4000) = 0.005.
  for (const [x, h] of [[10, 1.1], [0, 1.9]] as const) {
    const depth = -Math.log2(forest.score([x])) * c3;
    assert.ok(Math.abs(depth - h) < 0.03, `mean depth of ${x}: ${depth}, expected ${h}`);
  }
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
