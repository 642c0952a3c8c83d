import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier } from 'ml-random-forest';
import { buildDataset, rowVector, toColumns, type Dataset } from './dataset.js';
import { averagePrecision } from './evaluate.js';
import { explainPrediction, predictProbability, trainForest, type TrainingSet } from './forest.js';
import { seededRng } from './rng.js';
import { syntheticScenario } from './synthetic.js';

/** Rare positives (about 3 %) exactly when x0 > 0.8 and x1 < 0.3; x2 is noise and 10 % of x0 is missing. */
function rareRule(n: number, seed: number): TrainingSet & { vectors: Float64Array[] } {
  const rng = seededRng(seed);
  const vectors = Array.from({ length: n }, () => Float64Array.of(rng() < 0.1 ? NaN : rng(), rng(), rng()));
  const labels = Uint8Array.from(vectors, (v) => (v[0]! > 0.8 && v[1]! < 0.3 ? 1 : 0));
  return { featureNames: ['x0', 'x1', 'x2'], matrix: toColumns(vectors, 3), labels, vectors };
}

test('the forest learns a rare rule and handles missing values; another seed grows other trees', () => {
  const train = rareRule(4000, 1);
  const test_ = rareRule(2000, 2);
  const model = trainForest(train, { trees: 30, seed: 9 });
  const scores = test_.vectors.map((v) => predictProbability(model, v));
  assert.ok(averagePrecision(scores, test_.labels) > 0.9);
  assert.ok(predictProbability(model, [0.95, 0.1, 0.5]) > 0.5);
  assert.ok(predictProbability(model, [0.5, 0.1, 0.5]) < 0.1);
  assert.ok(predictProbability(model, [NaN, 0.1, 0.5]) < 0.2);
  assert.notDeepEqual(trainForest(train, { trees: 30, seed: 10 }).trees[0], model.trees[0]);
  // The noise feature gets almost none of the importance.
  assert.ok(model.importance[2]! < 0.1);
});

test('a forest of root leaves predicts the base rate: each leaf is the positive share of its bootstrap sample', () => {
  // 1000 rows, 300 positive. A bootstrap share has mean 0.3 and standard error sqrt(0.3 * 0.7 / 1000) =
  // 0.0145; the mean of 400 trees has 0.0145 / 20 = 0.0007.
  const vectors = Array.from({ length: 1000 }, (_, i) => Float64Array.of(i));
  const labels = Uint8Array.from(vectors, (_, i) => (i % 10 < 3 ? 1 : 0));
  const model = trainForest({ featureNames: ['x'], matrix: toColumns(vectors, 1), labels }, { trees: 400, maxDepth: 0, seed: 5 });
  assert.ok(model.trees.every((t) => t.feature.length === 1 && t.feature[0] === -1), 'every tree is one leaf');
  const p = predictProbability(model, [500]);
  assert.ok(Math.abs(p - 0.3) < 0.005, `predicted ${p}, base rate 0.3`);
  assert.ok(model.trees.some((t) => t.value[0] !== 0.3), 'the leaves are bootstrap shares, not the share of the whole data');
});

test('a separable rule is learned exactly: 0 well below the boundary, 1 well above it, in every tree', () => {
  const vectors = Array.from({ length: 2000 }, (_, i) => Float64Array.of(i / 2000, (i * 7919) % 2000));
  const labels = Uint8Array.from(vectors, (v) => (v[0]! >= 0.5 ? 1 : 0));
  const model = trainForest({ featureNames: ['x', 'noise'], matrix: toColumns(vectors, 2), labels }, { trees: 20, minSamplesLeaf: 1, featuresPerSplit: 2, seed: 3 });
  for (const x of [0, 0.1, 0.4]) assert.equal(predictProbability(model, [x, 1000]), 0, `x = ${x}`);
  for (const x of [0.6, 0.9, 1]) assert.equal(predictProbability(model, [x, 1000]), 1, `x = ${x}`);
  assert.ok(model.importance[0]! > 0.99, `importance of x: ${model.importance[0]}`);
});

test('contributions add up to the probability and name the features that matter', () => {
  const model = trainForest(rareRule(4000, 3), { trees: 20, seed: 1 });
  const x = [0.95, 0.1, 0.5];
  const e = explainPrediction(model, x, 3);
  const sum = e.bias + e.contributions.reduce((a, c) => a + c.contribution, 0);
  assert.ok(Math.abs(sum - e.probability) < 1e-9);
  assert.ok(Math.abs(e.probability - predictProbability(model, x)) < 1e-12);
  assert.deepEqual(new Set(e.contributions.slice(0, 2).map((c) => c.feature)), new Set(['x0', 'x1']));
  assert.ok(e.contributions.every((c) => c.contribution > 0 || c.feature === 'x2'));
});

test('class weights push the rare positive region higher when depth is limited', () => {
  const rng = seededRng(4);
  const vectors = Array.from({ length: 20000 }, () => Float64Array.from({ length: 5 }, () => rng()));
  // About 0.5 % positives, in a corner that takes three splits to isolate.
  const labels = Uint8Array.from(vectors, (v) => (v[0]! > 0.9 && v[1]! < 0.1 && v[2]! > 0.5 ? 1 : 0));
  const data = { featureNames: ['x0', 'x1', 'x2', 'x3', 'x4'], matrix: toColumns(vectors, 5), labels };
  const probe = [0.95, 0.05, 0.7, 0.5, 0.5];
  // Two levels cannot isolate the corner; weighting the rare class makes them cut closer to it.
  const weighted = trainForest(data, { trees: 20, maxDepth: 2, seed: 2, classWeight: 'balanced' });
  const plain = trainForest(data, { trees: 20, maxDepth: 2, seed: 2, classWeight: 'none' });
  assert.ok(predictProbability(weighted, probe) > predictProbability(plain, probe) + 0.03);
});

test('bad input gets a clear error', () => {
  const data = rareRule(10, 1);
  assert.throws(() => trainForest({ ...data, labels: new Uint8Array(3) }), /3 labels for 10 rows/);
  assert.throws(() => trainForest({ ...data, featureNames: ['a'] }), /3 columns but 1 feature names/);
});

function scenarioDataset(seed: number): Dataset {
  const s = syntheticScenario({ seed, start: Date.UTC(2026, 0, 5), days: 5, entities: 3 });
  return buildDataset(s.histories, s.alerts, s.range, {
    windowMs: 30 * 60_000, stepMs: 15 * 60_000, horizonMs: 30 * 60_000, severities: ['critical'],
  });
}

test('PR-AUC at least that of ml-random-forest 2.1 on the same small data', () => {
  const train = scenarioDataset(7);
  const held = scenarioDataset(8);
  const rows = (d: Dataset) => d.rows.map((_, i) => Array.from(rowVector(d.matrix, i), (v) => (Number.isNaN(v) ? 0 : v)));
  const reference = new RandomForestClassifier({
    nEstimators: 30, seed: 3, maxFeatures: 0.2, replacement: true, useSampleBagging: true, noOOB: true,
  } as ConstructorParameters<typeof RandomForestClassifier>[0]);
  reference.train(rows(train), Array.from(train.labels));
  const votes = reference.predictionValues(rows(held));
  const referenceScores = held.rows.map((_, i) => votes.getRow(i).reduce((a, b) => a + b, 0) / votes.columns);
  const ours = trainForest({ ...train, featureNames: [...train.featureNames] }, { trees: 30, seed: 3 });
  const ourScores = held.rows.map((_, i) => predictProbability(ours, rowVector(held.matrix, i)));
  const baseRate = held.labels.reduce((a, b) => a + b, 0) / held.rows.length;
  const referenceAp = averagePrecision(referenceScores, held.labels);
  const ourAp = averagePrecision(ourScores, held.labels);
  assert.ok(referenceAp > 10 * baseRate, `reference AP ${referenceAp} vs base rate ${baseRate}`);
  // Similar or better: binning costs resolution, which must not cost ranking quality.
  assert.ok(ourAp > referenceAp - 0.1, `ours ${ourAp} vs ml-random-forest ${referenceAp}`);
});
