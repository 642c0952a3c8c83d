import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../stats/random.js';
import { GroupDetector } from './group.js';

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
