// Forest against two baselines (static thresholds, anomaly score above x) on scenarios with seeds the
// model never trained on: PR-AUC, precision at 50 % recall, median lead time.
import { cpus } from 'node:os';
import { buildDataset, compareWithBaselines, concatDatasets, demoInputs, evaluateScores, predictProbability, rowVector, subset, type Evaluation } from '../src/predict/index.js';
import { syntheticScenario } from '../src/predict/synthetic.js';

// `npm run bench -- predict-eval` runs the demo scenario; SEXTANT_EVAL=synthetic the synthetic fleet.
const source = process.env.SEXTANT_EVAL === 'synthetic' ? 'synthetic' : 'demo';

const options = { windowMs: 30 * 60_000, stepMs: 5 * 60_000, horizonMs: 30 * 60_000, severities: ['critical'] };
const DEMO_RANGE = { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 21) };
const dataset = (seed: number) => {
  if (source === 'demo') {
    const d = demoInputs(seed, DEMO_RANGE);
    return buildDataset(d.histories, d.alerts, DEMO_RANGE, options);
  }
  const s = syntheticScenario({ seed, start: Date.UTC(2026, 0, 5), days: 14, entities: 6 });
  return buildDataset(s.histories, s.alerts, s.range, options);
};
const trainSeeds = source === 'demo' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [1, 2, 3, 4];
const testSeeds = source === 'demo' ? [101, 102, 103, 104] : [101, 102, 103];
const started = performance.now();
const test = concatDatasets(testSeeds.map(dataset));
const c = compareWithBaselines(concatDatasets(trainSeeds.map(dataset)), test, { seed: 1 });
const seconds = (performance.now() - started) / 1000;

const line = (name: string, e: Evaluation) =>
  `| ${name} | ${e.prAuc.toFixed(3)} | ${e.precisionAtHalfRecall.toFixed(3)} | ${e.medianLeadMs === null ? '-' : (e.medianLeadMs / 60_000).toFixed(0) + ' min'} | ${e.detected}/${e.incidents} |`;
console.log(`machine: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}, ${seconds.toFixed(1)} s`);
console.log(`${source} scenario, train seeds ${trainSeeds.join(',')}, test seeds ${testSeeds.join(',')}; test rows ${c.forest.rows}, positives ${c.forest.positives}`);
console.log('| model | PR-AUC | precision at 50 % recall | median lead time | incidents detected |');
console.log('|---|---|---|---|---|');
console.log(line('random forest', c.forest));
console.log(line('static thresholds', c.staticThreshold));
console.log(line('anomaly score above x', c.anomalyScore));
// Per alert: its positive windows against all negative ones (how predictable each kind of failure is).
const alertnames = [...new Set(test.rows.flatMap((r) => (r.alertname ? [r.alertname] : [])))].sort();
for (const name of alertnames) {
  const part = subset(test, (r) => r.label === 0 || r.alertname === name);
  const e = evaluateScores(part.rows, part.rows.map((_, i) => predictProbability(c.model, rowVector(part.matrix, i))));
  console.log(line(`random forest, ${name} only`, e));
}
if (!(c.forest.prAuc > c.staticThreshold.prAuc && c.forest.prAuc > c.anomalyScore.prAuc)) {
  console.log('FAIL: the forest does not beat both baselines');
  process.exitCode = 1;
}
