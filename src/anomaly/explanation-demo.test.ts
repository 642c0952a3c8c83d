// Every high or critical alarm over the demo's scored history says what its detector found, with
// numbers that support the score: never a point "0 σ" from its expected value or inside its band
// without naming the other evidence (the drift, the level shift, the range seen, the members).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_METRICS, scenario } from '../demo/index.js';
import { describeExplanation, type ScoredPoint } from './explanation.js';
import { GroupDetector } from './group.js';
import { scoreAligned, seriesGroupOf } from './series-group.js';
import { severityRank } from './severity.js';
import { UnivariateDetector } from './univariate.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** The demo's 14 days at its 1-minute step, scored as the service scores them (groups by service or host). */
function scoreDemo(seed: number): { name: string; points: ScoredPoint[] }[] {
  const demo = scenario(seed);
  const end = Date.UTC(2026, 11, 1);
  const range = { start: end - 14 * DAY, end };
  const groups = new Map<string | undefined, { name: string; ts: number[]; values: number[] }[]>();
  for (const metric of DEMO_METRICS) {
    for (const s of demo.series(metric, range, MINUTE)) {
      if (s.samples.length === 0) continue;
      const key = seriesGroupOf(s.labels);
      const members = groups.get(key) ?? [];
      members.push({ name: `${metric}${JSON.stringify(s.labels)}`, ts: s.samples.map((p) => p.t), values: s.samples.map((p) => p.v) });
      groups.set(key, members);
    }
  }
  const out: { name: string; points: ScoredPoint[] }[] = [];
  for (const [key, members] of groups) {
    if (key === undefined) {
      for (const m of members) {
        const d = new UnivariateDetector();
        out.push({ name: m.name, points: m.ts.map((t, i) => d.explain(t, m.values[i]!, d.update(t, m.values[i]!))) });
      }
    } else {
      scoreAligned(new GroupDetector(members.length), members).forEach((points, i) => out.push({ name: members[i]!.name, points }));
    }
  }
  return out;
}

/**
 * Why a high or critical point's explanation is not supported, or undefined when it is: either the
 * point itself lies outside its band, or the evidence of the detector that fired names what it found,
 * with numbers in the series' own range (`low`..`high`: the values seen so far).
 */
function unsupported(p: ScoredPoint, low: number, high: number): string | undefined {
  const span = high - low;
  const inRange = (x: number) => x >= low - 1e-9 * span && x <= high + 1e-9 * span;
  if (![p.expected, p.lower, p.upper].every(inRange)) return 'expected value or band outside the range seen';
  const e = p.evidence;
  if (e?.persisted) return e.persisted.large >= e.persisted.of / 2 && e.persisted.t !== undefined && e.persisted.t < p.t ? undefined : 'persisted without its alarm';
  // A group's alarm (the forest's, or members alarming together) is explained by its members.
  if (e?.members && e.members.length > 0) return e.members.every((m) => Number.isFinite(m.deviation)) ? undefined : 'a group alarm without its members';
  switch (p.detector) {
    case 'out-of-range':
      return e?.seenLow !== undefined && e.seenHigh !== undefined && (p.value < e.seenLow || p.value > e.seenHigh) ? undefined : 'out-of-range without the range seen';
    case 'level-shift':
      return e?.levelFrom !== undefined && e.levelTo !== undefined && e.levelFrom !== e.levelTo && inRange(e.levelFrom) && inRange(e.levelTo) ? undefined : 'level-shift without its levels';
    case 'drift':
      return e?.driftMean !== undefined && e.driftSigmas !== undefined && e.driftMean !== 0 && Math.abs(e.driftMean) <= span && Math.sign(e.driftMean) === Math.sign(e.driftSigmas)
        ? undefined
        : 'drift without its size';
    case 'isolation-forest':
      return e?.members !== undefined && e.members.length > 0 && e.members.every((m) => Number.isFinite(m.deviation)) ? undefined : 'isolation-forest without its members';
    default:
      return Math.abs(p.deviation) >= 3 && (p.value < p.lower || p.value > p.upper) ? undefined : `${p.detector} inside its band with no other evidence`;
  }
}

test('the demo: every high or critical alarm is explained by what its detector found, in the series\' own range', () => {
  const alarms = new Map<string, number>();
  const bad: string[] = [];
  for (const { name, points } of scoreDemo(1)) {
    let low = Infinity;
    let high = -Infinity;
    for (const p of points) {
      if (Number.isFinite(p.value)) {
        low = Math.min(low, p.value);
        high = Math.max(high, p.value);
      }
      if (severityRank(p.severity) < severityRank('high')) continue;
      alarms.set(p.detector, (alarms.get(p.detector) ?? 0) + 1);
      const why = unsupported(p, low, high);
      const text = describeExplanation(p);
      if (why || (/ 0\.0 σ/.test(text) && !p.evidence)) bad.push(`${name}: ${why ?? 'says 0.0 σ'}: ${text}`);
    }
  }
  // The history holds alarms of every kind the demo's incidents raise, so each branch above is exercised.
  for (const detector of ['out-of-range', 'level-shift', 'drift', 'isolation-forest', 'robust-level', 'seasonal-baseline']) assert.ok((alarms.get(detector) ?? 0) > 0, `no ${detector} alarm in the demo: ${[...alarms]}`);
  assert.deepEqual(bad, []);
});
