import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertInstance } from './analysis.js';
import { alertInstanceColumns } from './instance-columns.js';
import { alertSeries } from './series.js';

const M = 60_000;
const inst = (start: number, end: number | null, alertname = 'A', service = 's'): AlertInstance => ({
  fingerprint: `f${start}`,
  alertname,
  service,
  severity: 'warning',
  startsAtMs: start * M,
  endsAtMs: end === null ? null : end * M,
  silenced: false,
  inhibited: false,
  hasRunbook: true,
});

test('firing counts alerts active at each step; started counts starts in the step before it', () => {
  const { firing, started } = alertSeries(alertInstanceColumns([inst(1, 3), inst(2, null), inst(10, 11, 'B')]), { start: 0, end: 6 * M }, M, 5 * M);
  assert.deepEqual(firing.map((s) => [s.labels.alertname, s.samples.map((p) => p.v)]), [['A', [0, 1, 2, 1, 1, 1]]]);
  assert.deepEqual(started.map((s) => [s.labels.alertname, s.samples.map((p) => p.v)]), [['A', [0, 0, 1, 1, 0, 0]]]);
  assert.deepEqual(firing[0]!.labels, { alertname: 'A', service: 's', severity: 'warning' });
});

test('every step of every label set equals counting the instances by the definition, on random histories with edges on and off the steps', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const step = 60_000;
  const range = { start: 1_000 * M + 17_000, end: 1_120 * M };
  const now = 1_119 * M + 30_000;
  for (let round = 0; round < 20; round++) {
    const instances: AlertInstance[] = Array.from({ length: 300 }, (_, i) => {
      // Times on the minute for a third of the instances, anywhere otherwise; some before the range, some still firing.
      const at = (x: number) => (i % 3 === 0 ? Math.round(x / M) * M : Math.round(x));
      const start = at(range.start - 30 * M + random() * 150 * M);
      const end = random() < 0.2 ? null : at(start + random() * 40 * M);
      return { ...inst(0, null, `R${i % 4}`, `svc${i % 3}`), startsAtMs: start, endsAtMs: end };
    });
    const { firing, started } = alertSeries(alertInstanceColumns(instances), range, step, now);
    const key = (labels: Record<string, string>) => `${labels.alertname}/${labels.service}`;
    const byKey = (list: typeof firing) => new Map(list.map((s) => [key(s.labels), s.samples]));
    const firingOf = byKey(firing);
    const startedOf = byKey(started);
    for (const labels of new Set(instances.map((i) => `${i.alertname}/${i.service}`))) {
      const own = instances.filter((i) => `${i.alertname}/${i.service}` === labels);
      const f = firingOf.get(labels) ?? [];
      const s = startedOf.get(labels) ?? [];
      for (const samples of [f, s]) if (samples.length) assert.equal(samples[0]!.t, 1_001 * M);
      f.forEach(({ t, v }) => assert.equal(v, own.filter((i) => i.startsAtMs <= t && t < (i.endsAtMs ?? now + 1)).length, `${labels} firing at ${t}`));
      s.forEach(({ t, v }) => assert.equal(v, own.filter((i) => i.startsAtMs >= t - step && i.startsAtMs < t).length, `${labels} started at ${t}`));
      const anyFiring = own.some((i) => i.startsAtMs < range.end && (i.endsAtMs ?? now + 1) > range.start);
      if (anyFiring) assert.ok(f.length === 119, `${labels}: a series for a label set firing in the range`);
    }
  }
});
