// `sextant eval --labels`: the CLI reads results and (gzipped) labelled data at the same relative
// path and prints and writes the hand-computed numbers of a small example.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sextant-eval-points-'));
after(() => rmSync(work, { recursive: true, force: true }));

const eval_ = (args: string[]) => spawnSync(process.execPath, [cli, 'eval', ...args], { encoding: 'utf8' });
const stamp = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

// 12 minutes; the first quarter (points 0-2) is history. Incidents [4,6] and [9,10];
// alarms (>= 0.5) at 1 (history, not judged), {5,6} (finds [4,6] one minute late), 8 (false).
// Healthy judged time: the steps into 7, 8 and 11 = 3 minutes (judging starts at point 3).
// Recall 1/2, precision 1/2, F1 1/2, delay 1 minute, 1 false alarm in 3 minutes = 3360 per series-week.
const labels = [0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0];
const scores = [0, 0.9, 0, 0, 0.1, 0.6, 0.5, 0, 0.7, 0.2, 0.4, 0];

test('point labels: incident recall, alarm precision, F1, delay and false alarms per series-week', () => {
  mkdirSync(join(work, 'data', 'm'), { recursive: true });
  mkdirSync(join(work, 'results', 'm'), { recursive: true });
  writeFileSync(join(work, 'data', 'm', 'one.csv.gz'), gzipSync(`timestamp,x,label\n${labels.map((l, i) => `${stamp(i)},${i},${l}`).join('\n')}\n`));
  writeFileSync(join(work, 'results', 'm', 'one.csv'), `timestamp,anomaly_score\n${scores.map((s, i) => `${stamp(i)},${s}`).join('\n')}\n`);
  const json = join(work, 'points.json');
  const r = eval_(['--labels', join(work, 'data'), '--results', join(work, 'results'), '--history', '0.25', '--threshold', '0.5', '--json', json]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^total +2 +1 +2 +1 +0\.500 +0\.500 +0\.500 +1\.0 +3360\.00$/m);
  const result = JSON.parse(readFileSync(json, 'utf8'));
  assert.deepEqual([result.incidents, result.detected, result.alarms, result.trueAlarms, result.recall, result.precision, result.f1], [2, 1, 2, 1, 0.5, 0.5, 0.5]);
  assert.equal(result.meanDelayMs, 60_000);
  assert.ok(Math.abs(result.falseAlarmsPerSeriesWeek - 3360) < 1e-9);
});

test('point labels: missing labels and shifted timestamps are refused with the reason', () => {
  mkdirSync(join(work, 'bad-results'), { recursive: true });
  writeFileSync(join(work, 'bad-results', 'orphan.csv'), `timestamp,anomaly_score\n${stamp(0)},0\n`);
  const missing = eval_(['--labels', join(work, 'data'), '--results', join(work, 'bad-results')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no labels for orphan\.csv/);
  mkdirSync(join(work, 'shifted', 'm'), { recursive: true });
  writeFileSync(join(work, 'shifted', 'm', 'one.csv'), `timestamp,anomaly_score\n${scores.map((s, i) => `${stamp(i + 1)},${s}`).join('\n')}\n`);
  const shifted = eval_(['--labels', join(work, 'data'), '--results', join(work, 'shifted')]);
  assert.equal(shifted.status, 2);
  assert.match(shifted.stderr, /m\/one\.csv: row 2 has timestamp 2026-01-01T00:01:00.000Z in the results but 2026-01-01T00:00:00.000Z in the labels/);
  assert.equal(eval_(['--labels', join(work, 'data')]).status, 2, '--results is required');
});
