import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictLinear } from '../forecast/index.js';
import { alertInstanceColumns, type AlertInstance } from '../alerts/index.js';
import { analyzeAlertHygiene, analyzeAlertHygieneOnColumns, replayFirings, type FiringPeriod } from './alert-hygiene.js';
import { analyzeCapacity } from './capacity.js';
import { analyzeRightSizing, percentile } from './rightsizing.js';
import { analyzeSloBudget } from './slo-budget.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('capacity: recommended before the predict_linear(6h, 4h) alert fires, with the ETA from the data', () => {
  // Disk fills 1 % per hour from 40 % with a small daily wobble; full at about t = 60 h.
  const usage = Array.from({ length: 70 * 12 }, (_, k) => {
    const t = k * 5 * MIN;
    return { t, v: Math.min(1, 0.4 + (0.01 * t) / HOUR + 0.005 * Math.sin((2 * Math.PI * t) / DAY)) };
  });
  const firstRecommended = usage.find((p) => p.t >= 6 * HOUR && analyzeCapacity([{ entity: 'db', resource: 'disk', usage }], p.t).length > 0);
  const firstAlert = usage.find((p) => p.t >= 6 * HOUR && predictLinear(usage, p.t, 6 * HOUR, 4 * HOUR)! >= 1);
  assert.ok(firstRecommended && firstAlert);
  assert.ok(firstRecommended.t < firstAlert.t, `recommended at ${firstRecommended.t / HOUR} h, alert at ${firstAlert.t / HOUR} h`);
  const full = usage.find((p) => p.v >= 1)!.t;
  // The default lead is 24 h: the first recommendation comes about 24 h before the disk is full.
  assert.ok(Math.abs(full - firstRecommended.t - DAY) < 2 * HOUR);
  const [c] = analyzeCapacity([{ entity: 'db', resource: 'disk', usage }], 50 * HOUR);
  const eta = c!.evidence.find((e) => e.name === 'time to exhaustion')!.value as number;
  assert.ok(Math.abs(eta * 1000 - (full - 50 * HOUR)) < HOUR, `eta ${eta} s`);
  assert.equal(c!.action, 'expand-disk');
  // Flat usage: nothing to recommend.
  assert.equal(analyzeCapacity([{ entity: 'db', resource: 'disk', usage: usage.map((p) => ({ t: p.t, v: 0.5 })) }], 50 * HOUR).length, 0);
});

test('right-sizing: CPU from p95, memory from max + 15 %, container metrics before host metrics', () => {
  const cpu = Array.from({ length: 14 * 24 }, (_, k) => ({ t: k * HOUR, v: 0.1 + (k % 20) * 0.01 }));
  const memory = Array.from({ length: 14 * 24 }, (_, k) => ({ t: k * HOUR, v: 200 * 2 ** 20 + (k % 7) * 2 ** 20 }));
  const now = 14 * 24 * HOUR;
  const out = analyzeRightSizing(
    [{
      entity: 'api',
      container: { cpuCores: cpu, memoryBytes: memory, cpuAllocatedCores: 1, memoryAllocatedBytes: 1024 * 2 ** 20 },
      host: { cpuCores: cpu, memoryBytes: memory, cpuAllocatedCores: 8, memoryAllocatedBytes: 32 * 2 ** 30 },
    }],
    now,
  );
  const values = cpu.filter((p) => p.t > now - 14 * DAY).map((p) => p.v).sort((a, b) => a - b);
  const p95 = values[Math.ceil(0.95 * values.length) - 1]!;
  const cpuRec = out.find((c) => c.action === 'reduce-cpu')!;
  assert.equal(cpuRec.evidence.find((e) => e.name === 'recommended')!.value, Math.round(p95 * 1e4) / 1e4);
  assert.equal(cpuRec.evidence.find((e) => e.name === 'source')!.value, 'container');
  const memRec = out.find((c) => c.action === 'reduce-memory')!;
  assert.equal(memRec.evidence.find((e) => e.name === 'recommended')!.value, Math.round(206 * 2 ** 20 * 1.15 * 1e4) / 1e4);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2);
  // Host metrics when no container data; too little history gives nothing.
  const hostOnly = analyzeRightSizing([{ entity: 'h', host: { cpuCores: cpu, memoryBytes: memory, cpuAllocatedCores: 8 } }], now);
  assert.equal(hostOnly[0]!.context, 'host:cpu');
  assert.equal(analyzeRightSizing([{ entity: 'h', host: { cpuCores: cpu.slice(-10), memoryBytes: [], cpuAllocatedCores: 8 } }], now).length, 0);
});

test('alert hygiene: the suggested keep_firing_for removes every flap when the history is replayed', () => {
  const periods: FiringPeriod[] = [];
  // Five firings 10 minutes long with gaps of 3, 7, 4 and 6 minutes: one incident sending 5 notifications.
  let t = 0;
  for (const gap of [3, 7, 4, 6, 0]) {
    periods.push({ alertname: 'Flappy', fingerprint: 'a', startsAt: t, endsAt: t + 10 * MIN, actedOn: false });
    t += (10 + gap) * MIN;
  }
  const out = analyzeAlertHygiene([{ alertname: 'Flappy', runbookUrl: 'https://r' }], periods);
  assert.equal(out.length, 1);
  const keep = out[0]!.evidence.find((e) => e.name === 'suggested keep_firing_for')!.value;
  assert.equal(keep, '8m');
  assert.equal(replayFirings(periods, 0, 0), 5);
  assert.equal(replayFirings(periods, 8 * MIN, 0), 1);
  assert.equal(replayFirings(periods, 7 * MIN - 1, 0), 2);
  assert.equal(out[0]!.evidence.find((e) => e.name === 'notifications with keep_firing_for')!.value, 1);
});

test('alert hygiene: blips get a for: suggestion; noisy unacted rules and missing runbooks are reported', () => {
  const blips: FiringPeriod[] = Array.from({ length: 25 }, (_, k) => ({
    alertname: 'Blippy', fingerprint: 'x', startsAt: k * 12 * MIN, endsAt: k * 12 * MIN + (k % 2 ? 2 : 3) * MIN, actedOn: false,
  }));
  const out = analyzeAlertHygiene([{ alertname: 'Blippy' }], blips);
  const flapping = out.find((c) => c.action === 'set-keep-firing-for')!;
  assert.equal(flapping.evidence.find((e) => e.name === 'suggested for')!.value, '4m');
  assert.equal(replayFirings(blips, 0, 4 * MIN), 0);
  assert.equal(flapping.evidence.find((e) => e.name === 'notifications with for')!.value, 0);
  assert.ok(out.some((c) => c.action === 'review-noisy-rule'));
  assert.ok(out.some((c) => c.action === 'add-runbook'));
  const acted = blips.map((p, i) => ({ ...p, actedOn: i === 3 }));
  assert.ok(!analyzeAlertHygiene([{ alertname: 'Blippy' }], acted).some((c) => c.action === 'review-noisy-rule'));
});

test('alert hygiene on alert instances: a still-firing one counts up to now, a silenced one was acted on', () => {
  const now = 200 * MIN;
  const instance = (k: number, extra: Partial<AlertInstance> = {}): AlertInstance => ({
    fingerprint: 'x', alertname: 'Blippy', service: 'api', severity: 'warning', startsAtMs: k * 6 * MIN, endsAtMs: k * 6 * MIN + 2 * MIN,
    silenced: false, inhibited: false, hasRunbook: true, ...extra,
  });
  // 20 two-minute firings 4 minutes apart (19 flaps), the last still firing since minute 114: not a blip.
  const instances = Array.from({ length: 20 }, (_, k) => instance(k, k === 19 ? { endsAtMs: null } : {}));
  const rules = [{ alertname: 'Blippy' }];
  const out = analyzeAlertHygieneOnColumns(rules, alertInstanceColumns(instances), now);
  const flapping = out.find((c) => c.action === 'set-keep-firing-for')!;
  assert.equal(flapping.evidence.find((e) => e.name === 'flaps')!.value, 19);
  assert.equal(flapping.evidence.find((e) => e.name === 'suggested for')!.value, '3m');
  // With for: 3m only the still-firing one (86 minutes up to now) would have notified.
  assert.equal(flapping.evidence.find((e) => e.name === 'notifications with for')!.value, 1);
  assert.ok(out.some((c) => c.action === 'review-noisy-rule'), 'twenty firings, none acted on');
  const silenced = instances.map((i, k) => (k === 7 ? { ...i, silenced: true } : i));
  assert.ok(!analyzeAlertHygieneOnColumns(rules, alertInstanceColumns(silenced), now).some((c) => c.action === 'review-noisy-rule'));
});

test('SLO budget risk: time to exhaustion from budget left and burn rate', () => {
  const slo = { name: 'api-availability', service: 'api', objective: 0.99, windowMs: 30 * DAY };
  // 29 days at 0.5 % errors (half the allowed 1 %), then the last 6 hours at 5 % errors (burn rate 5).
  const requests = Array.from({ length: 30 * 24 }, (_, k) => ({ t: (k + 1) * HOUR, v: 1000 }));
  const errors = requests.map((p) => ({ t: p.t, v: p.t > 30 * DAY - 6 * HOUR ? 50 : 5 }));
  const [c] = analyzeSloBudget([{ slo, requests, errors }], 30 * DAY);
  const total = 720 * 1000;
  const consumed = (714 * 5 + 6 * 50) / total / 0.01;
  const eta = ((1 - consumed) * 30 * DAY) / 5;
  assert.ok(c);
  assert.equal(c.evidence.find((e) => e.name === 'burn rate')!.value, 5);
  assert.equal(c.evidence.find((e) => e.name === 'time to exhaustion')!.value, Math.round(eta / 1000));
  const calm = errors.map((p) => ({ t: p.t, v: 5 }));
  assert.equal(analyzeSloBudget([{ slo, requests, errors: calm }], 30 * DAY).length, 0);
});
