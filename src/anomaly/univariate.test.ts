import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../stats/random.js';
import { scoreSeries } from './batch.js';
import { UnivariateDetector } from './univariate.js';

const STEP = 300_000; // 5 minutes
const T0 = Date.UTC(2024, 0, 1);

/** Daily sine (period 288 points) plus seeded noise. */
function dailySeries(n: number, seed = 1): { t: number[]; v: number[] } {
  const random = seededRandom(seed);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    t.push(T0 + i * STEP);
    v.push(100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 2 * (random() + random() + random() - 1.5));
  }
  return { t, v };
}

// HTM's log scale of a likelihood of 0.5: -log10(1 - 0.5) / 10 = log10(2) / 10.
const EVEN_ODDS = Math.log10(2) / 10;

test('while the likelihood learns (50 points) every score is log10(2)/10, the log scale of even odds', () => {
  const { t, v } = dailySeries(200);
  const scores = scoreSeries(t, v);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(scores[i]! - EVEN_ODDS) < 1e-9, `point ${i}: ${scores[i]}`);
  assert.ok(scores.slice(50).some((s) => Math.abs(s - EVEN_ODDS) > 0.01), 'after learning, the scores depend on the data');
});

test('a constant series never surprises: every point scores even odds, for a week of 5-minute points', () => {
  const n = 7 * 288;
  const t = Array.from({ length: n }, (_, i) => T0 + i * STEP);
  const scores = scoreSeries(t, new Array<number>(n).fill(42));
  // Deviation 0 is a surprise of 0 and the long-run mean of 0: z = 0, likelihood 0.5 (read from a table: 1e-7).
  for (let i = 0; i < n; i++) assert.ok(Math.abs(scores[i]! - EVEN_ODDS) < 1e-7, `point ${i}: ${scores[i]}`);
});

test('scores are causal: changing later points leaves every earlier score as it was', () => {
  const { t, v } = dailySeries(2000);
  const changed = v.map((x, i) => (i >= 1200 ? x * 3 + 50 : x));
  const before = scoreSeries(t, v);
  const after = scoreSeries(t, changed);
  for (let i = 0; i < 1200; i++) assert.equal(after[i], before[i], `point ${i}`);
  assert.ok(after[1200]! > before[1200]!, 'the first changed point scores higher');
});

test('a restored detector continues exactly like the one that was saved', () => {
  const { t, v } = dailySeries(3000);
  const whole = scoreSeries(t, v);
  const first = new UnivariateDetector();
  for (let i = 0; i < 1500; i++) first.update(t[i]!, v[i]!);
  const restored = UnivariateDetector.restore(first.state);
  for (let i = 1500; i < 3000; i++) assert.equal(restored.update(t[i]!, v[i]!), whole[i], `point ${i}`);
});

test('state stays within 2 KB per series', () => {
  assert.ok(new UnivariateDetector().state.byteLength <= 2048, `${new UnivariateDetector().state.byteLength} bytes`);
});

test('a spike in a seasonal series scores far above the calm points, with an explanation', () => {
  const { t, v } = dailySeries(2500);
  v[2200] = v[2200]! + 40;
  const d = new UnivariateDetector();
  let calmMax = 0;
  let spike = 0;
  for (let i = 0; i < v.length; i++) {
    const s = d.update(t[i]!, v[i]!);
    if (i === 2200) {
      spike = s;
      const e = d.explain(t[i]!, v[i]!, s);
      assert.ok(e.value > e.upper, `value ${e.value} above the band ${e.lower}..${e.upper}`);
      assert.ok(Math.abs(e.expected - (v[i]! - 40)) < 6, `expected ${e.expected} near the normal value ${v[i]! - 40}`);
      assert.ok(e.severity === 'high' || e.severity === 'critical', e.severity);
    } else if (i > 1000 && i < 2200) calmMax = Math.max(calmMax, s);
  }
  assert.ok(spike > 0.5, `spike score ${spike}`);
  assert.ok(calmMax < spike, `calm points reach ${calmMax}`);
});

test('after a level shift the detector adapts instead of firing for hours', () => {
  const random = seededRandom(3);
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < 3000; i++) {
    t.push(T0 + i * 60_000);
    v.push((i < 2000 ? 10 : 50) + random());
  }
  const s = scoreSeries(t, v);
  assert.ok(Math.max(...s.slice(2000, 2030)) > 0.5, 'the shift itself is flagged');
  assert.ok(Math.max(...s.slice(2300)) < 0.3, `still firing long after the shift: ${Math.max(...s.slice(2300))}`);
});

test('scores are in [0,1] and missing values score 0', () => {
  const { t, v } = dailySeries(1000);
  v[500] = Number.NaN;
  const s = scoreSeries(t, v);
  assert.equal(s[500], 0);
  for (const x of s) assert.ok(x >= 0 && x <= 1);
});

test('a state of the wrong size is refused', () => {
  assert.throws(() => UnivariateDetector.restore(new Float64Array(3)), /expected/);
});

test('a series that has held one value is out of range at any other: up falling to 0, a flat gauge jumping', () => {
  for (const [flat, next] of [[1, 0], [100, 1000], [100, 104]] as const) {
    const d = new UnivariateDetector();
    for (let i = 0; i < 300; i++) d.update(T0 + i * STEP, flat);
    const t = T0 + 300 * STEP;
    const score = d.update(t, next);
    // Within 5% of the value it held (104 against 100) is no news; beyond it is.
    const out = Math.abs(next - flat) > 0.05 * Math.abs(flat);
    assert.equal(d.explain(t, next, score).detector === 'out-of-range', out, `${flat} then ${next}: ${d.explain(t, next, score).detector}`);
    if (out) assert.equal(score, 1, `${flat} then ${next}`);
  }
});

test('a value far beyond the range seen so far scores 1, as out-of-range; a mere new maximum does not', () => {
  const random = seededRandom(4);
  const d = new UnivariateDetector();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < 1500; i++) {
    const x = random();
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    d.update(T0 + i * STEP, x);
    assert.notEqual(d.explain(T0 + i * STEP, x, 0).detector, 'out-of-range', `point ${i} inside the range`);
  }
  const t = T0 + 1500 * STEP;
  const slightly = UnivariateDetector.restore(d.state);
  const barelyOut = hi + 0.06 * (hi - lo); // beyond the 5% tolerance, but under 2 sigmas from the level
  const mild = slightly.update(t, barelyOut);
  assert.notEqual(slightly.explain(t, barelyOut, mild).detector, 'out-of-range');
  assert.ok(mild < 0.45, `a new maximum within the noise scores ${mild}`);
  const far = hi + 3;
  const score = d.update(t, far);
  assert.equal(score, 1);
  assert.equal(d.explain(t, far, score).detector, 'out-of-range');
});

test("a drift alarm is ranked by the drift's size, up to medium: its likelihood alone crosses the alarm level just above it", () => {
  // The first alarm of a leak (0.01 a point from 3000) on autocorrelated noise (AR(1), 0.97), and of
  // a slower leak (0.002 a point) on calm noise: the drift's likelihood crosses 0.45 smoothly in both.
  const firstAlarm = (phi: number, slope: number, seed: number) => {
    const random = seededRandom(seed);
    const d = new UnivariateDetector();
    let ar = 0;
    for (let i = 0; i < 4000; i++) {
      ar = phi * ar + (random() - 0.5);
      const t = T0 + i * 60_000;
      const s = d.update(t, 20 + ar + (i >= 3000 ? slope * (i - 3000) : 0));
      if (i >= 3000 && s >= 0.45) return d.explain(t, 0, s);
    }
    return undefined;
  };
  const large = firstAlarm(0.97, 0.01, 3);
  assert.ok(large && large.detector === 'drift', `a drift alarm: ${large?.detector}`);
  assert.ok(large.evidence!.driftSigmas! > 6, `a large drift: ${large.evidence!.driftSigmas} σ`);
  // Its likelihood alone scores 0.452; the drift's size lifts it out of the marginal alarms, to
  // medium and no further: an event (0.8) still needs the likelihood.
  assert.equal(large.severity, 'medium');
  assert.ok(large.score >= 0.6 && large.score < 0.8, `score ${large.score}`);
  const small = firstAlarm(0, 0.002, 1);
  assert.ok(small && small.detector === 'drift', `a drift alarm: ${small?.detector}`);
  assert.ok(small.evidence!.driftSigmas! < 2, `a small drift: ${small.evidence!.driftSigmas} σ`);
  assert.equal(small.severity, 'low', `a drift of ${small.evidence!.driftSigmas} σ is not lifted: ${small.score}`);
});
