// Hand-computed NAB values on one file of 1000 rows (probation 150) with one window of rows
// 400..499, the same toy cases the reference scorer's own tests use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAB_PROFILES } from './profiles.js';
import { prepareNabFile, rawScoreByThreshold, scaledSigmoid, scoreNabProfile } from './score.js';
import { parseNabTimestamp } from './timestamp.js';

const T0 = Date.UTC(2020, 0, 1);
const timestamps = Array.from({ length: 1000 }, (_, i) => T0 + i * 300_000);
const file = prepareNabFile({ name: 'cat/f.csv', timestamps, windows: [[timestamps[400]!, timestamps[499]!]] });

function run(fire: number[], profile = 'standard', threshold?: number) {
  const scores = timestamps.map((_, i) => (fire.includes(i) ? 0.9 : 0.1));
  return scoreNabProfile([file], new Map([[file.name, scores]]), NAB_PROFILES[profile]!, threshold);
}

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
const sig = (y: number) => (y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1);

test('the earliest detection of a window earns +1 and a perfect score', () => {
  const r = run([400], 'standard', 0.5);
  close(r.raw, 1);
  close(r.score, 100);
});

test('a detection at the right edge earns sig(-1/W)/sig(-1)', () => {
  close(run([499], 'standard', 0.5).raw, sig(-0.01) / sig(-1));
});

test('only the earliest detection in a window counts, later ones are free', () => {
  const r = run([450, 451, 460], 'standard', 0.5);
  close(r.raw, sig(-0.5) / sig(-1));
  assert.equal(r.counts.tp, 3);
});

test('false positives before any window cost fpWeight each, a missed window costs 1', () => {
  close(run([200, 201], 'standard', 0.5).raw, -1 - 2 * 0.11);
});

test('a false positive just after a window costs fpWeight * sig((i-R)/(W-1))', () => {
  close(run([505], 'standard', 0.5).raw, -1 + 0.11 * sig(6 / 99));
});

test('rows in the probationary period are ignored', () => {
  const r = run([10, 100, 149], 'standard', 0.5);
  close(r.raw, -1);
  assert.equal(r.counts.fp, 0);
});

test('low-FN profile: a miss costs 2 and scores 0 after normalisation', () => {
  const r = run([], 'reward_low_FN_rate', 0.5);
  close(r.raw, -2);
  close(r.score, 0);
});

test('the optimiser fires when firing helps, at the highest threshold that does', () => {
  const r = run([400]);
  close(r.raw, 1);
  assert.equal(r.threshold, 0.9);
  assert.equal(r.mode, 'optimised');
});

test('the optimiser never fires when every firing costs', () => {
  const r = run([200]);
  assert.equal(r.threshold, null);
  close(r.score, 0);
});

test('the raw score by threshold: never, then each distinct score from the highest, with the raw score of firing at it', () => {
  // Row 200 a false positive at 0.7, row 450 a detection at 0.9, row 460 a later one at 0.6.
  const scores = timestamps.map((_, i) => (i === 200 ? 0.7 : i === 450 ? 0.9 : i === 460 ? 0.6 : 0.1));
  const { thresholds, raw } = rawScoreByThreshold([file], new Map([[file.name, scores]]), NAB_PROFILES['standard']!);
  assert.deepEqual(thresholds, [Infinity, 0.9, 0.7, 0.6, 0.1]);
  const detection = sig(-0.5) / sig(-1);
  // Firing at 0.1 fires every row after probation: the window's first row and every row outside it.
  const everyFalse = run(Array.from({ length: 1000 }, (_, i) => i).filter((i) => i < 400 || i > 499), 'standard', 0.5).raw + 1;
  [-1, detection, detection - 0.11, detection - 0.11, 1 + everyFalse].forEach((expected, i) => close(raw[i]!, expected));
});

test('scaled sigmoid matches NAB: 0 at 0, -1 beyond 3', () => {
  close(scaledSigmoid(0), 0);
  assert.equal(scaledSigmoid(3.01), -1);
});

test('windows that do not hit a row exactly use the rows inside them, with a warning', () => {
  const f = prepareNabFile({ name: 'x', timestamps, windows: [[timestamps[10]! + 1, timestamps[20]! + 1]] });
  assert.deepEqual(f.windows, [[11, 20]]);
  assert.equal(f.warnings.length, 1);
});

test('NAB timestamps parse as UTC, with or without microseconds', () => {
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
  assert.equal(parseNabTimestamp('2014-04-10T07:15:00Z'), Date.UTC(2014, 3, 10, 7, 15));
  assert.ok(Number.isNaN(parseNabTimestamp('yesterday')));
});
