import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithBaselines, concatDatasets } from './compare.js';
import { buildDataset } from './dataset.js';
import { syntheticScenario } from './synthetic.js';

function seeds(list: number[]) {
  return concatDatasets(
    list.map((seed) => {
      const s = syntheticScenario({ seed, start: Date.UTC(2026, 0, 5), days: 6, entities: 3 });
      return buildDataset(s.histories, s.alerts, s.range, {
        windowMs: 30 * 60_000, stepMs: 10 * 60_000, horizonMs: 30 * 60_000, severities: ['critical'],
      });
    }),
  );
}

test('on unseen seeds the forest beats the static threshold and the anomaly-score baselines on PR-AUC', () => {
  const train = seeds([1, 2, 3]);
  const held = seeds([11, 12]);
  assert.equal(held.rows.length, held.matrix.rows);
  const c = compareWithBaselines(train, held, { trees: 40, seed: 1 });
  assert.ok(c.forest.positives > 20, `only ${c.forest.positives} positive test windows`);
  assert.ok(c.forest.prAuc > c.staticThreshold.prAuc, `forest ${c.forest.prAuc} vs static ${c.staticThreshold.prAuc}`);
  assert.ok(c.forest.prAuc > c.anomalyScore.prAuc, `forest ${c.forest.prAuc} vs anomaly ${c.anomalyScore.prAuc}`);
  assert.ok(c.forest.detected > 0 && c.forest.medianLeadMs !== null && c.forest.medianLeadMs > 0);
});
