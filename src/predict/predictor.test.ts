import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotEnoughDataError, predictNow, trainPredictor } from './predictor.js';
import { syntheticScenario } from './synthetic.js';

const MIN = 60_000;
const options = {
  version: 1, horizonMs: 30 * MIN, windowMs: 30 * MIN, stepMs: 10 * MIN, severities: ['critical'], testFraction: 0.25,
  forest: { trees: 30, seed: 1 },
};

test('a trained predictor carries its range, features and held-out evaluation, and warns before alerts', () => {
  const s = syntheticScenario({ seed: 5, start: Date.UTC(2026, 0, 5), days: 8, entities: 3 });
  const p = trainPredictor(s.histories, s.alerts, s.range, s.range.end, options);
  assert.deepEqual(p.trainingRange, s.range);
  assert.equal(p.featureNames.length, p.forest.featureNames.length);
  assert.ok(p.testRows > 0 && p.trainRows > 3 * p.testRows);
  assert.ok(p.evaluation.positives > 0 && p.evaluation.prAuc > 0.3, `PR-AUC ${p.evaluation.prAuc}`);
  // On an unseen scenario the median risk 10 minutes before a critical alert is far above the median risk at other times.
  const unseen = syntheticScenario({ seed: 6, start: Date.UTC(2026, 0, 5), days: 4, entities: 3 });
  const critical = unseen.alerts.filter((a) => a.severity === 'critical');
  const risk = (entity: string, at: number) => predictNow(p, unseen.histories.filter((h) => h.entity === entity), unseen.alerts, at)[0]!;
  const before = critical.map((a) => risk(a.entity, a.startsAt - 10 * MIN).probability).sort((a, b) => a - b);
  const overall = unseen.histories.flatMap((h) => [1, 2, 3].map((d) => risk(h.entity, unseen.range.start + d * 22 * 3_600_000).probability));
  const median = (v: number[]) => v[Math.floor(v.length / 2)]!;
  assert.ok(median(before) > 3 * median(overall.sort((a, b) => a - b)), `before ${median(before)} vs ${median(overall)}`);
  const during = risk(critical[0]!.entity, critical[0]!.startsAt + 1);
  assert.equal(during.ongoing, true);
  assert.ok(during.contributions.length > 0 && during.contributions.length <= 5);
});

test('too few positives is a clear error, not a useless model', () => {
  const s = syntheticScenario({ seed: 5, start: Date.UTC(2026, 0, 5), days: 1, entities: 1 });
  assert.throws(() => trainPredictor(s.histories, [], s.range, s.range.end, options), NotEnoughDataError);
});
