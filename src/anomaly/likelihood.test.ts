import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../stats/random.js';
import { AnomalyLikelihood, likelihoodSlots, logLikelihoodScore } from './likelihood.js';

test('the tabulated log score agrees with the exact likelihood and its log score', () => {
  const options = { window: 10, longAlpha: 0.001, learning: 50, priorPoints: 100, minStd: 0.0001 };
  const exact = new AnomalyLikelihood(new Float64Array(likelihoodSlots(options)), 0, options);
  const fast = new AnomalyLikelihood(new Float64Array(likelihoodSlots(options)), 0, options);
  const random = seededRandom(5);
  for (let i = 0; i < 3000; i++) {
    const surprise = i % 500 === 499 ? 1 : 0.1 * random();
    const a = logLikelihoodScore(exact.update(surprise));
    const b = fast.updateScore(surprise);
    assert.ok(Math.abs(a - b) < 1e-5, `point ${i}: ${a} vs ${b}`);
  }
});

test('a calm series that suddenly surprises gets a high score, a noisy one does not', () => {
  const options = { window: 10, longAlpha: 0.001, learning: 50, priorPoints: 100, minStd: 0.0001 };
  const calm = new AnomalyLikelihood(new Float64Array(likelihoodSlots(options)), 0, options);
  const noisy = new AnomalyLikelihood(new Float64Array(likelihoodSlots(options)), 0, options);
  const random = seededRandom(6);
  for (let i = 0; i < 2000; i++) {
    calm.updateScore(0.02 * random());
    noisy.updateScore(random());
  }
  let calmPeak = 0;
  let noisyPeak = 0;
  for (let i = 0; i < 5; i++) {
    calmPeak = Math.max(calmPeak, calm.updateScore(0.8));
    noisyPeak = Math.max(noisyPeak, noisy.updateScore(0.8));
  }
  assert.ok(calmPeak > 0.5, `calm series peak ${calmPeak}`);
  assert.ok(noisyPeak < 0.3, `noisy series peak ${noisyPeak}`);
});
