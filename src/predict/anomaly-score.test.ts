import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreSeries } from '../anomaly/index.js';
import { entityAnomalyScore } from './anomaly-score.js';

const MIN = 60_000;
/** A daily-ish wave with deterministic jitter, and one spike. */
const wave = (n: number, spikeAt: number, phase: number) =>
  Array.from({ length: n }, (_, k) => ({ t: k * 5 * MIN, v: 0.5 + 0.1 * Math.sin((2 * Math.PI * k) / 288 + phase) + 0.005 * Math.sin(k * 12.9898 + phase) + (k === spikeAt ? 0.4 : 0) }));

test('an entity\'s anomaly score is, at each time, the highest score of its signals under the anomaly ensemble', () => {
  const cpu = wave(2000, 1500, 0);
  const memory = wave(2000, 1800, 1);
  const score = entityAnomalyScore({ cpu, memory, disk: [] });
  assert.equal(score.length, 2000);
  const cpuScores = scoreSeries(cpu.map((p) => p.t), cpu.map((p) => p.v));
  const memoryScores = scoreSeries(memory.map((p) => p.t), memory.map((p) => p.v));
  score.forEach((p, k) => {
    assert.equal(p.t, cpu[k]!.t);
    assert.equal(p.v, Math.max(cpuScores[k]!, memoryScores[k]!));
  });
  // Each spike is the highest point of the score after the detectors' first day.
  const settled = score.slice(288);
  const top = [...settled].sort((a, b) => b.v - a.v).slice(0, 2).map((p) => p.t / (5 * MIN)).sort((a, b) => a - b);
  assert.deepEqual(top, [1500, 1800]);
});

test('signals on different timestamps are merged by time', () => {
  const score = entityAnomalyScore({ cpu: [{ t: 0, v: 1 }, { t: 2, v: 1 }], memory: [{ t: 1, v: 1 }] });
  assert.deepEqual(score.map((p) => p.t), [0, 1, 2]);
});
