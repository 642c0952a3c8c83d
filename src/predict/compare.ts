import { anomalyScoreBaseline, staticThresholdScore } from './baselines.js';
import { rowVector, type Dataset } from './dataset.js';
import { evaluateScores, type Evaluation } from './evaluate.js';
import { predictProbability, trainForest, type ForestModel, type ForestOptions } from './forest.js';

/** Joins datasets built with the same features (e.g. one per scenario seed) into one. */
export function concatDatasets(parts: readonly Dataset[]): Dataset {
  const first = parts[0];
  if (!first) throw new Error('concatDatasets: nothing to join');
  const rows = parts.flatMap((d) => d.rows);
  const columns = first.featureNames.map((_, f) => {
    const out = new Float64Array(rows.length);
    let at = 0;
    for (const d of parts) {
      out.set(d.matrix.columns[f]!, at);
      at += d.matrix.rows;
    }
    return out;
  });
  return { featureNames: first.featureNames, rows, matrix: { rows: rows.length, columns }, labels: Uint8Array.from(rows, (r) => r.label) };
}

export interface Comparison {
  model: ForestModel;
  forest: Evaluation;
  staticThreshold: Evaluation;
  anomalyScore: Evaluation;
}

/** Trains the forest on `train` and scores it and both baselines on the same `test` rows. */
export function compareWithBaselines(train: Dataset, test: Dataset, options: Partial<ForestOptions> = {}): Comparison {
  const model = trainForest({ featureNames: [...train.featureNames], matrix: train.matrix, labels: train.labels }, options);
  const vectors = test.rows.map((_, i) => rowVector(test.matrix, i));
  return {
    model,
    forest: evaluateScores(test.rows, vectors.map((x) => predictProbability(model, x))),
    staticThreshold: evaluateScores(test.rows, vectors.map((x) => staticThresholdScore(x))),
    anomalyScore: evaluateScores(test.rows, vectors.map((x) => anomalyScoreBaseline(x))),
  };
}
