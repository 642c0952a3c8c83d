import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../stats/random.js';
import type { ScoredPoint } from './explanation.js';
import { DEFAULT_GROUP_OPTIONS, GroupDetector } from './group.js';

test('the group detector flags two series that move apart, and resumes from saved state exactly', () => {
  const random = seededRandom(5);
  const rows: number[][] = [];
  for (let i = 0; i < 2000; i++) {
    const load = 50 + 20 * Math.sin(i / 37) + random() * 2;
    // latency follows load; at 1800 latency stops following (both stay in their ranges)
    const latency = i >= 1800 && i < 1810 ? 30 + random() : load * 0.5 + random();
    rows.push([load, latency]);
  }
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const g = new GroupDetector(2);
  let saved;
  const scores: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i === 1000) saved = g.save();
    scores.push(Math.max(...g.update(t(i), rows[i]!).map((p) => p.score)));
  }
  const quietMax = Math.max(...scores.slice(1200, 1800));
  const breakMax = Math.max(...scores.slice(1800, 1815));
  assert.ok(breakMax > quietMax, `break ${breakMax} vs quiet ${quietMax}`);
  const resumed = new GroupDetector(2, undefined, saved);
  for (let i = 1000; i < 1300; i++) {
    assert.equal(Math.max(...resumed.update(t(i), rows[i]!).map((p) => p.score)), scores[i], `point ${i}`);
  }
});

test('the group alarms when two members depart far at one step, not on one member alone nor on two minutes apart; a value never seen raises it alone', () => {
  const random = seededRandom(7);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const alone = new GroupDetector(3, { ...DEFAULT_GROUP_OPTIONS, corroboration: { ...DEFAULT_GROUP_OPTIONS.corroboration, members: 1 } });
  const corroborated = new GroupDetector(3);
  const seen: Record<number, { own: number[]; alone: number; group: number }> = {};
  for (let i = 0; i < 3000; i++) {
    // Every member had such a spike once (at 100), so later ones are within the range seen. One member
    // alone at 2000; two members five minutes apart at 2500 and 2505; two together at 2700; at 2900
    // member 2 reaches a value far beyond anything it has shown.
    const v = [
      10 + random() + ([100, 2000, 2700].includes(i) ? 30 : 0),
      20 + random() + ([100, 2500, 2700].includes(i) ? 30 : 0),
      30 + random() + ([100, 2505].includes(i) ? 30 : i === 2900 ? 100 : 0),
    ];
    alone.update(t(i), v);
    corroborated.update(t(i), v);
    seen[i] = { own: [...corroborated.ownScores], alone: alone.score, group: corroborated.score };
  }
  for (const i of [2000, 2500, 2505, 2700, 2900]) assert.ok(Math.max(...seen[i]!.own) > 0.9, `step ${i}: a member alarms (${seen[i]!.own})`);
  // Without corroboration the group's score is its highest member's.
  for (const i of [2000, 2500, 2505, 2700]) assert.ok(seen[i]!.alone >= Math.max(...seen[i]!.own), `step ${i}: ${seen[i]!.alone}`);
  assert.ok(seen[2000]!.group < 0.5, `one member alone: group ${seen[2000]!.group}`);
  assert.ok(seen[2500]!.group < 0.5, `the first of two, not yet corroborated: group ${seen[2500]!.group}`);
  assert.ok(seen[2505]!.group < 0.5, `the second five minutes later, while the first is back: group ${seen[2505]!.group}`);
  assert.ok(seen[2700]!.group > 0.9, `two members together: group ${seen[2700]!.group}`);
  assert.ok(seen[2900]!.group > 0.9, `a value never seen: group ${seen[2900]!.group}`);
});

test("two members whose alarms kept rising after their quiet began raise the group's alarm (escalation), once", () => {
  const random = seededRandom(3);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const withEscalation = new GroupDetector(3);
  const without = new GroupDetector(3, { ...DEFAULT_GROUP_OPTIONS, corroboration: { ...DEFAULT_GROUP_OPTIONS.corroboration, escalation: 2 } });
  const rows: { group: number; groupWithout: number; own: number[]; unquieted: number[] }[] = [];
  for (let i = 0; i < 2800; i++) {
    // Members 0 and 1 had a lone spike every 50 points until 2500 (a spiky history: a new spike's score
    // rises over a few points); from 2700 both climb together over three points (+10, +30, +30).
    const lone = (m: number) => (i < 2500 && i % 50 === m * 7 ? 30 : 0);
    const climb = i >= 2700 && i < 2703 ? [10, 30, 30][i - 2700]! : 0;
    const v = [10 + random() + lone(0) + climb, 20 + random() + lone(1) + climb, 30 + random()];
    withEscalation.update(t(i), v);
    without.update(t(i), v);
    rows.push({ group: withEscalation.score, groupWithout: without.score, own: [...withEscalation.ownScores], unquieted: withEscalation.detectors.map((d) => d.unquietedScore) });
  }
  const { level } = DEFAULT_GROUP_OPTIONS.trust;
  const { level: alarmLevel, quietPoints } = DEFAULT_GROUP_OPTIONS.univariate.alarm;
  const climb = rows.slice(2700, 2730);
  // Each member's alarm is raised below the event level and its quiet hides the rest of the climb.
  const raised = [0, 1].map((m) => climb.findIndex((r) => r.own[m]! >= alarmLevel));
  for (const [m, at] of raised.entries()) {
    assert.ok(at >= 0 && climb[at]!.own[m]! < level, `member ${m} alarms below ${level}: ${climb[at]?.own[m]}`);
    assert.ok(climb.slice(at + 1, at + 1 + quietPoints).every((r) => r.own[m] === 0), `member ${m} is quiet after its alarm`);
  }
  assert.ok(climb.every((r) => r.groupWithout < level), `without escalation the group stays below ${level}: ${climb.map((r) => r.groupWithout.toFixed(2))}`);
  const alarm = climb.findIndex((r) => r.group >= level);
  assert.ok(alarm > Math.max(...raised), `the group alarms after both alarms were raised: ${climb.map((r) => r.group.toFixed(2))}`);
  for (const m of [0, 1]) assert.ok(climb[alarm]!.own[m] === 0 && climb[alarm]!.unquieted[m]! >= DEFAULT_GROUP_OPTIONS.corroboration.escalation, `member ${m} escalated in its quiet: ${climb[alarm]!.unquieted[m]}`);
  assert.ok(climb.slice(alarm + 1).every((r) => r.group < level), 'an escalation counts once');
});

test("a member's lone spike is served below the event threshold; a persistent step or a corroborated spike is served as it is", () => {
  const random = seededRandom(11);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const g = new GroupDetector(3);
  const own: number[][] = [];
  const served: number[][] = [];
  const at2600: ScoredPoint[] = [];
  for (let i = 0; i < 3000; i++) {
    // Member 0: a one-point spike at 2000 (alone), at 2600 together with member 2 (corroborated) and
    // at 2800, member 2 five minutes later (not at one step); member 1: a step at 2300 that lasts 40
    // points (alone). Each member had such values once before (at 100), so none is beyond the range
    // seen, which would be served alone.
    const v = [
      10 + random() + ([100, 2000, 2600, 2800].includes(i) ? 30 : 0),
      20 + random() + (i === 100 || (i >= 2300 && i < 2340) ? 30 : 0),
      30 + random() + ([100, 2600, 2805].includes(i) ? 30 : 0),
    ];
    const points = g.update(t(i), v);
    if (i === 2600) at2600.push(...points);
    served.push(points.map((p) => p.score));
    own.push([...g.ownScores]);
  }
  const { level, cap, persistPoints } = DEFAULT_GROUP_OPTIONS.trust;
  const peak = (member: number, from: number, to: number, of: number[][]) => Math.max(...of.slice(from, to).map((s) => s[member]!));
  assert.ok(peak(0, 2000, 2001, own) >= level, `the spike alarms on its own: ${peak(0, 2000, 2001, own)}`);
  assert.ok(peak(0, 2000, 2030, served) <= cap, `a lone spike is served at most ${cap}: ${peak(0, 2000, 2030, served)}`);
  assert.ok(peak(1, 2300, 2301, own) >= level, `the step alarms on its own: ${peak(1, 2300, 2301, own)}`);
  assert.ok(peak(1, 2300, 2300 + persistPoints, served) <= cap, 'the step is held while it may still be a spike');
  assert.ok(served[2300 + persistPoints]![1]! >= level, `the step is served once it persisted: ${served[2300 + persistPoints]![1]}`);
  // Two spikes at one step are the group's alarm: served once, on one member, naming both (one incident, one event).
  const carried = [0, 2].filter((m) => served[2600]![m]! >= level);
  assert.equal(carried.length, 1, `two spikes at one step are served on one member: ${served[2600]}`);
  assert.ok(served[2600]![2 - carried[0]!]! <= cap, `the other is served as if alone: ${served[2600]}`);
  assert.deepEqual(at2600[carried[0]!]!.evidence?.members?.map((m) => m.index).sort(), [0, 2], `the carrier names both: ${JSON.stringify(at2600[carried[0]!])}`);
  // Spikes five minutes apart are not (each served below the event threshold: capped, or an own score just under it).
  assert.ok(peak(0, 2800, 2830, served) < level && peak(2, 2805, 2830, served) < level, `spikes five minutes apart are not: ${peak(0, 2800, 2830, served)}, ${peak(2, 2805, 2830, served)}`);
});

test("a lone member that held one value and jumps (up falling to 0) is served its alarm at once, as out-of-range", () => {
  const random = seededRandom(17);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const g = new GroupDetector(3);
  let first: { score: number; detector: string } | undefined;
  for (let i = 0; i < 2001; i++) {
    const p = g.update(t(i), [10 + random(), i < 2000 ? 1 : 0, 30 + random()])[1]!;
    if (i === 2000) first = p;
  }
  assert.ok(first!.score >= DEFAULT_GROUP_OPTIONS.trust.level, `served ${first!.score}`);
  assert.equal(first!.detector, 'out-of-range');
});

test("a member's lone drift alarm (a slow leak) is served as it is", () => {
  const random = seededRandom(13);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const g = new GroupDetector(3);
  const rows: { own: number; served: number; detector: string }[] = [];
  for (let i = 0; i < 3000; i++) {
    // Member 1 leaks from 2300: it climbs 0.05 a point, against noise of 0.3.
    const v = [10 + random(), 20 + random() + (i >= 2300 ? 0.05 * (i - 2300) : 0), 30 + random()];
    const p = g.update(t(i), v)[1]!;
    rows.push({ own: g.ownScores[1]!, served: p.score, detector: p.detector });
  }
  const { level } = DEFAULT_GROUP_OPTIONS.trust;
  const driftAlarm = rows.findIndex((r, i) => i >= 2300 && r.own >= level && r.detector === 'drift');
  assert.ok(driftAlarm > 0, 'the leak raises a drift alarm');
  assert.ok(rows.slice(2300, 3000).some((r) => r.served >= level), 'the leak is served an alarm');
  assert.ok(rows.slice(1000, 2300).every((r) => r.served < level), 'nothing before it is');
});

test("one incident, one event: a group's alarms within the fold window are served on one member, which names the members; the others' held alarms are not served again", () => {
  const random = seededRandom(23);
  const t = (i: number) => Date.UTC(2024, 0, 1) + i * 60_000;
  const g = new GroupDetector(4);
  const served: number[][] = [];
  const points: ScoredPoint[][] = [];
  for (let i = 0; i < 3100; i++) {
    // Members 0 and 1 spike together at 2600 and members 2 and 3 at 2610 (one incident, ten minutes
    // on); members 1 and 2 again at 2900 (a new incident, more than the fold window later). Each had
    // such values once before (at 100), so none is beyond its range.
    const spike = (m: number) => (i === 100 || ([0, 1].includes(m) && i === 2600) || ([2, 3].includes(m) && i === 2610) || ([1, 2].includes(m) && i === 2900) ? 30 : 0);
    const step = g.update(t(i), [10 + random() + spike(0), 20 + random() + spike(1), 30 + random() + spike(2), 40 + random() + spike(3)]);
    points.push(step);
    served.push(step.map((p) => p.score));
  }
  const { level } = DEFAULT_GROUP_OPTIONS.trust;
  const alarmed = (from: number, to: number) => [0, 1, 2, 3].filter((m) => served.slice(from, to).some((s) => s[m]! >= level));
  // The first incident: served on one member only (the first spike's carrier), through its second half.
  const first = alarmed(2600, 2640);
  assert.equal(first.length, 1, `one member serves the incident: ${first}`);
  const carrier = first[0]!;
  assert.ok([0, 1].includes(carrier), `the carrier is one of the first spike's members: ${carrier}`);
  assert.ok(served[2610]![carrier]! >= level, `the carrier serves the incident's second alarm: ${served[2610]}`);
  const named = points[2610]![carrier]!.evidence?.members?.map((m) => m.index) ?? [];
  assert.ok(named.length >= 2 && named.some((m) => m >= 2), `and names the members alarming together (within the corroboration window), those of the second alarm among them: ${named}`);
  // The next incident, more than the fold window later, has its own carrier among its members.
  const second = alarmed(2900, 2940);
  assert.equal(second.length, 1, `one member serves the next incident: ${second}`);
  assert.ok([1, 2].includes(second[0]!), `its carrier is one of its members: ${second}`);
  // Without folding (a window of 0: each step its own carrier), the second half is served on its own members.
  const unfolded = new GroupDetector(4, { ...DEFAULT_GROUP_OPTIONS, foldWithinMs: -1 });
  const random2 = seededRandom(23);
  let second2610: number[] = [];
  for (let i = 0; i <= 2610; i++) {
    const spike = (m: number) => (i === 100 || ([0, 1].includes(m) && i === 2600) || ([2, 3].includes(m) && i === 2610) ? 30 : 0);
    const step = unfolded.update(t(i), [10 + random2() + spike(0), 20 + random2() + spike(1), 30 + random2() + spike(2), 40 + random2() + spike(3)]);
    if (i === 2610) second2610 = step.map((p) => p.score);
  }
  assert.ok([2, 3].some((m) => second2610[m]! >= level) && second2610[carrier]! < level, `unfolded, the second alarm is another event: ${second2610}`);
});
