// The NAB development split end to end: `sextant detect` scores it, then `sextant eval` and the
// independent reference scorer (../shared/tools/nab/nab_score.py) score the same output. They must
// agree to 0.01 points on all three profiles, and the detector's standard and low-FP scores must stay
// above floors a little under what they reach today (77.86 / 69.54; the score is deterministic: a
// drop is a regression).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nab = join(root, '..', 'shared', 'datasets', 'nab');
const referenceScorer = join(root, '..', 'shared', 'tools', 'nab', 'nab_score.py');
const cli = join(root, 'exporter', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'sextant-nab-'));
after(() => rmSync(work, { recursive: true, force: true }));

const FLOORS: Record<string, number> = { standard: 77.6, reward_low_FP_rate: 69.3 };

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

interface ProfileScores {
  profiles: Record<string, { score: number; threshold: number | null }>;
}

test('sextant eval agrees with the reference NAB scorer, and the detector keeps its NAB score', () => {
  const results = join(work, 'results');
  sh(process.execPath, [cli, 'detect', '--input-dir', join(nab, 'data'), '--output-dir', results]);
  const ours = join(work, 'ours.json');
  const theirs = join(work, 'reference.json');
  sh(process.execPath, [cli, 'eval', '--data', join(nab, 'data'), '--windows', join(nab, 'windows.json'), '--results', results, '--json', ours]);
  sh('python3', [referenceScorer, '--data', join(nab, 'data'), '--windows', join(nab, 'windows.json'), '--results', results, '--json', theirs]);
  const a = JSON.parse(readFileSync(ours, 'utf8')) as ProfileScores;
  const b = JSON.parse(readFileSync(theirs, 'utf8')) as ProfileScores;
  for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
    const x = a.profiles[profile]!;
    const y = b.profiles[profile]!;
    assert.ok(Math.abs(x.score - y.score) < 0.01, `${profile}: sextant eval ${x.score} vs reference ${y.score}`);
    assert.equal(x.threshold, y.threshold, `${profile}: chosen thresholds differ`);
  }
  for (const [profile, floor] of Object.entries(FLOORS)) {
    const score = b.profiles[profile]!.score;
    assert.ok(score >= floor, `NAB ${profile} score ${score} fell below ${floor}`);
  }
});
