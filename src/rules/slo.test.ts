import assert from 'node:assert/strict';
import { test } from 'node:test';
import { burnWindows, guardEvents, sloRules, type SloSpec } from './slo.js';

const DAY = 86_400_000;

test('30-day windows and factors are the SRE workbook table', () => {
  assert.deepEqual(
    burnWindows(30 * DAY).map((w) => [w.short, w.long, w.factor, w.severity]),
    [
      ['5m', '1h', 14.4, 'page'],
      ['30m', '6h', 6, 'page'],
      ['2h', '1d', 3, 'ticket'],
      ['6h', '3d', 1, 'ticket'],
    ],
  );
});

test('other periods scale the windows and keep the factors; short windows never drop under 5m', () => {
  assert.deepEqual(
    burnWindows(7 * DAY).map((w) => [w.short, w.long, w.factor]),
    [
      ['5m', '14m', 14.4],
      ['7m', '1h24m', 6],
      ['28m', '5h36m', 3],
      ['1h24m', '16h48m', 1],
    ],
  );
});

test('the guard needs enough events that one failure stays at or under the threshold', () => {
  // 99.9 %: the fast page fires above 1.44 % errors; 70 events make one failure 1.43 %.
  const threshold = 14.4 * 0.001;
  const guard = guardEvents(threshold, 0);
  assert.equal(guard, 70);
  assert.ok(1 / guard <= threshold && 1 / (guard - 1) > threshold);
  assert.equal(guardEvents(14.4 * 0.001, 500), 500);
});

const spec: SloSpec = {
  service: 'checkout',
  name: 'availability',
  objective: 99.9,
  period: '30d',
  errors: { metric: 'http_requests_total', matchers: { job: 'checkout', code: { regex: '5..' } } },
  total: { metric: 'http_requests_total', matchers: { job: 'checkout' } },
  minEvents: 0,
  alertName: 'SLOErrorBudgetBurn',
  pageSeverity: 'critical',
  ticketSeverity: 'warning',
  labels: {},
};

test('recording rules carry Sloth names and labels; alerts carry sloth_severity', () => {
  const { groups } = sloRules([spec]);
  assert.deepEqual(groups.map((g) => g.name), [
    'sloth-slo-sli-recordings-checkout-availability',
    'sloth-slo-meta-recordings-checkout-availability',
    'sloth-slo-alerts-checkout-availability',
  ]);
  const records = groups[0]!.rules.map((r) => ('record' in r ? r.record : ''));
  assert.deepEqual(records, ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
  const first = groups[0]!.rules[0]!;
  assert.ok('record' in first);
  assert.deepEqual(first.labels, { sloth_id: 'checkout-availability', sloth_service: 'checkout', sloth_slo: 'availability', sloth_window: '5m' });
  const alerts = groups[2]!.rules;
  assert.deepEqual(alerts.map((a) => ('alert' in a ? a.labels.sloth_severity : null)), [['page'], ['ticket']]);
  assert.match('alert' in alerts[0]! ? alerts[0].expr : '', /ratio_rate5m\{.*\} > 0\.0144\)/);
});

test('bad SLOs are rejected with the field that is wrong', () => {
  assert.throws(() => sloRules([{ ...spec, objective: 100 }]), /rules\.slos\[0\]\.objective/);
  assert.throws(() => sloRules([{ ...spec, objective: 80 }]), /page could never fire/);
  assert.throws(() => sloRules([spec, spec]), /rules\.slos\[1\]: SLO id "checkout-availability".*twice/);
  assert.throws(() => sloRules([{ ...spec, labels: { sloth_id: 'x' } }]), /set by the generator/);
  assert.throws(() => sloRules([{ ...spec, period: 'month' }]), /rules\.slos\[0\]\.period/);
  assert.throws(() => sloRules([{ ...spec, errors: { ...spec.total } }]), /every series the total selector selects is also an error/);
});
