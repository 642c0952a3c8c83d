// Training time of the histogram random forest on 100,000 rows x 30 features (goal: under 30 s on
// this machine), from the synthetic scenario so the trees are as deep as real ones get.
import { cpus } from 'node:os';
import { buildDataset, predictProbability, rowVector, trainForest } from '../src/predict/index.js';
import { syntheticScenario } from '../src/predict/synthetic.js';

const ROWS = 100_000;
const FEATURES = 30;

const scenario = syntheticScenario({ seed: 42, start: Date.UTC(2026, 0, 5), days: 30, entities: 14 });
const dataset = buildDataset(scenario.histories, scenario.alerts, scenario.range, {
  windowMs: 30 * 60_000, stepMs: 5 * 60_000, horizonMs: 30 * 60_000, severities: ['critical'],
});
if (dataset.rows.length < ROWS) throw new Error(`bench: only ${dataset.rows.length} rows generated`);
const matrix = { rows: ROWS, columns: dataset.matrix.columns.slice(0, FEATURES).map((c) => c.subarray(0, ROWS)) };
const labels = dataset.labels.subarray(0, ROWS);
const positives = labels.reduce((a, b) => a + b, 0);

const started = performance.now();
const model = trainForest({ featureNames: dataset.featureNames.slice(0, FEATURES), matrix, labels }, { seed: 1 });
const trainSeconds = (performance.now() - started) / 1000;

const predictStarted = performance.now();
for (let i = 0; i < 10_000; i += 1) predictProbability(model, rowVector(matrix, i));
const predictMicros = ((performance.now() - predictStarted) * 1000) / 10_000;
const nodes = model.trees.reduce((a, t) => a + t.feature.length, 0);

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString()}`);
console.log(`rows ${ROWS}, features ${FEATURES}, positives ${positives}, trees ${model.trees.length}, nodes ${nodes}`);
console.log(`train: ${trainSeconds.toFixed(2)} s (goal < 30 s) ${trainSeconds < 30 ? 'OK' : 'TOO SLOW'}`);
console.log(`predict: ${predictMicros.toFixed(1)} us per row`);
