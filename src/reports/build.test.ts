import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReport, change, firingMsInside, gapsOf } from './build.js';
import { lastCompletePeriod, periodRange, previousPeriod } from './period.js';
import type { ReportInput } from './tables.js';

const H = 3_600_000;
const DAY = 24 * H;
const wed = Date.parse('2026-11-18T15:30:00Z');

test('periods are UTC days, ISO weeks from Monday and calendar months', () => {
  assert.deepEqual(periodRange('daily', wed), { start: Date.parse('2026-11-18T00:00:00Z'), end: Date.parse('2026-11-19T00:00:00Z') });
  assert.deepEqual(periodRange('weekly', wed), { start: Date.parse('2026-11-16T00:00:00Z'), end: Date.parse('2026-11-23T00:00:00Z') });
  assert.deepEqual(periodRange('monthly', wed), { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-12-01T00:00:00Z') });
  assert.deepEqual(lastCompletePeriod('weekly', wed), { start: Date.parse('2026-11-09T00:00:00Z'), end: Date.parse('2026-11-16T00:00:00Z') });
  assert.deepEqual(previousPeriod('monthly', periodRange('monthly', Date.parse('2026-03-10T00:00:00Z'))), { start: Date.parse('2026-02-01T00:00:00Z'), end: Date.parse('2026-03-01T00:00:00Z') });
  // A Sunday belongs to the week that started six days before.
  assert.equal(periodRange('weekly', Date.parse('2026-11-22T23:00:00Z')).start, Date.parse('2026-11-16T00:00:00Z'));
});

test('firing time is clipped to the period and a still-firing alert counts to its end (or now)', () => {
  assert.equal(firingMsInside({ alertname: 'a', service: 's', severity: 'x', startsAt: -H, endsAt: 2 * H }, 0, DAY), 2 * H);
  assert.equal(firingMsInside({ alertname: 'a', service: 's', severity: 'x', startsAt: DAY - H, endsAt: undefined }, 0, DAY), H);
  assert.equal(change(110, 100), 0.1);
  assert.equal(change(1, 0), null);
});

test('gaps are the hours without samples, merged into spans', () => {
  const covered = [0, 1, 2, 6, 7].map((h) => h * H);
  assert.deepEqual(gapsOf({ dataset: 'd', runs: 0, failedRuns: 0, rows: 0, lastError: undefined, coveredHours: covered, firstSampleAt: 0 }, 0, 8 * H), [
    { start: 3 * H, end: 6 * H },
  ]);
});

function empty(): ReportInput {
  const range = periodRange('daily', wed);
  return {
    tenant: 'nobody',
    period: 'daily',
    range,
    previous: previousPeriod('daily', range),
    generatedAt: range.end + H,
    objectives: {},
    defaultObjective: 0.99,
    capacityThreshold: 0.9,
    services: [],
    alerts: [],
    anomalies: [],
    capacity: [],
    risk: [],
    recommendations: [],
    ingest: [],
    previousCoveredHours: {},
  };
}

test('a tenant with no data gets a report that says so, with every table empty', () => {
  const report = buildReport(empty());
  assert.equal(report.hasData, false);
  assert.match(report.summary.join(' '), /^No data: the warehouse holds nothing for tenant "nobody" from 2026-11-18 00:00 UTC to 2026-11-19 00:00 UTC/);
  assert.ok(report.tables.every((t) => t.rows.length === 0 && t.emptyText.length > 0));
});

test('service rows, the overall row and the summary come from the same numbers', () => {
  const input = empty();
  input.tenant = 't';
  input.objectives = { api: 0.999 };
  const row = (service: string, metric: string, period: 'current' | 'previous', mean: number, count = 100) => ({ service, metric, period, mean, max: mean, count });
  input.services = [
    row('api', 'up', 'current', 0.998),
    row('api', 'http_requests_per_second', 'current', 30),
    row('api', 'http_requests_per_second', 'previous', 20),
    row('api', 'http_error_ratio', 'current', 0.01),
    row('api', 'http_request_duration_p95_seconds', 'current', 0.2),
    row('api', 'http_request_duration_p95_seconds', 'previous', 0.1),
    row('db', 'up', 'current', 1, 300),
    row('db', 'http_requests_per_second', 'current', 10),
    row('db', 'http_error_ratio', 'current', 0.05),
  ];
  input.alerts = [
    { alertname: 'HighLatency', service: 'api', severity: 'critical', startsAt: input.range.start + H, endsAt: input.range.start + 2 * H },
    { alertname: 'HighLatency', service: 'api', severity: 'critical', startsAt: input.range.start + 5 * H, endsAt: undefined },
  ];
  const report = buildReport(input);
  const services = report.tables.find((t) => t.name === 'services')!.rows;
  const api = services.find((r) => r.service === 'api')!;
  assert.equal(api.objective, 0.999);
  assert.equal(api.objective_met, 'no');
  assert.equal(api.request_rate_change, 0.5);
  assert.equal(api.p95_change, 1);
  const all = services.find((r) => r.service === 'all services')!;
  assert.equal(all.request_rate, 40);
  assert.ok(Math.abs((all.error_ratio as number) - (30 * 0.01 + 10 * 0.05) / 40) < 1e-12);
  assert.ok(Math.abs((all.availability as number) - (0.998 * 100 + 300) / 400) < 1e-12);
  const rules = report.tables.find((t) => t.name === 'alert_rules')!.rows;
  assert.deepEqual(rules, [{ alertname: 'HighLatency', service: 'api', severity: 'critical', firings: 2, still_firing: 1, firing_hours: 1 + 19, mttr_minutes: 60 }]);
  const text = report.summary.join('\n');
  assert.match(text, /Availability: 1 of 2 services met their objective; the lowest was api at 99\.800% \(objective 99\.900%\)/);
  assert.match(text, /Traffic averaged 40\.00 req\/s \(no previous period to compare\)|Traffic averaged 40\.00 req\/s, up 100\.0%/);
  assert.match(text, /Alerts: 2 firings of 1 rule, 20\.0 h firing in total, mean time to resolve 60 min; the noisiest rule was HighLatency \(2\)/);
});

test('a report over the period that includes now is partial: it counts up to now and never into the future', () => {
  const input = empty();
  input.tenant = 't';
  const now = input.range.start + 10 * H + 30 * 60_000; // 10:30 on the report's day
  input.generatedAt = now;
  input.alerts = [
    // Fired a minute ago and still firing: one minute, not the 13.5 h to the day's end.
    { alertname: 'JustFired', service: 'api', severity: 'warning', startsAt: now - 60_000, endsAt: undefined },
    // Firing since the day before: the 10.5 h of today so far.
    { alertname: 'Long', service: 'db', severity: 'critical', startsAt: input.range.start - 5 * H, endsAt: undefined },
  ];
  const row = (dataset: string, coveredHours: number[], firstSampleAt: number | null) => ({ dataset, runs: 5, failedRuns: 0, rows: 100, lastError: undefined, coveredHours: coveredHours.map((h) => input.range.start + h * H), firstSampleAt });
  input.ingest = [
    // First sample at 04:20 today, data in every hour since (hour 10 is running): no gap.
    row('up', [4, 5, 6, 7, 8, 9, 10], input.range.start + 4 * H + 20 * 60_000),
    // Same start, nothing after 08:00: hours 8 and 9 are gaps; 10 is not over, 11-23 are the future.
    row('cpu', [4, 5, 6, 7], input.range.start + 4 * H + 20 * 60_000),
    // Stored since long before; only hours 0-2 and 5-9 today: one gap of hours 3 and 4.
    row('mem', [0, 1, 2, 5, 6, 7, 8, 9], input.range.start - 30 * DAY),
    // Ingested but never a sample: data was expected all along, hours 0-9.
    row('disk', [], null),
  ];
  // A filesystem filling at 4% a day, hourly up to now: it reaches 90% (0.9 - 0.5) / 0.04 = 10 days after the first sample.
  const first = input.range.start - 7 * DAY;
  const samples = [];
  for (let t = first; t <= now; t += H) samples.push({ t, v: 0.5 + ((t - first) / DAY) * 0.04 });
  input.capacity = [{ dataset: 'node_filesystem_used_ratio', entity: '{instance="a"}', samples }];

  const report = buildReport(input);
  assert.equal(report.partial, true);
  const rules = report.tables.find((t) => t.name === 'alert_rules')!.rows;
  assert.equal(rules.find((r) => r.alertname === 'JustFired')!.firing_hours, 1 / 60);
  assert.equal(rules.find((r) => r.alertname === 'Long')!.firing_hours, 10.5);
  const ingest = Object.fromEntries(report.tables.find((t) => t.name === 'ingest')!.rows.map((r) => [r.dataset, r]));
  assert.deepEqual([ingest.up!.gaps, ingest.up!.coverage], [0, 1]);
  assert.deepEqual([ingest.cpu!.gaps, ingest.cpu!.longest_gap_hours, ingest.cpu!.first_gap_start, ingest.cpu!.coverage], [1, 2, input.range.start + 8 * H, 4 / 6]);
  assert.deepEqual([ingest.mem!.gaps, ingest.mem!.longest_gap_hours, ingest.mem!.first_gap_start, ingest.mem!.coverage], [1, 2, input.range.start + 3 * H, 8 / 10]);
  assert.deepEqual([ingest.disk!.gaps, ingest.disk!.longest_gap_hours, ingest.disk!.coverage], [1, 10, 0]);
  const capacity = report.tables.find((t) => t.name === 'capacity')!.rows[0]!;
  const daysLeft = (first + 10 * DAY - now) / DAY;
  assert.ok(Math.abs((capacity.days_left as number) - daysLeft) < 0.1, `days left ${String(capacity.days_left)}, expected ${daysLeft} from now`);

  const [mark, ...rest] = report.summary;
  assert.equal(mark, 'Partial report: this daily period runs to 2026-11-19 00:00 UTC, but the report was made at 2026-11-18 10:30 UTC; it covers 2026-11-18 00:00 UTC to 2026-11-18 10:30 UTC only, and counts nothing after it.');
  const text = rest.join('\n');
  // up is stored but no service row came out of the rollups yet: not known, not "no samples".
  assert.match(text, /Availability: not known yet: `up` is ingested, but no hour of it in this partial period has been rolled up yet\./);
  assert.doesNotMatch(text, /no `up` samples were stored/);
  assert.match(text, /Alerts: 2 firings of 2 rules, 10\.5 h firing in total;/);
  assert.match(text, /3 of 4 datasets have gaps where data was expected \(the longest 10 h\)/);
});

test('a report made after its period is not partial and counts the whole period', () => {
  const input = empty();
  input.alerts = [{ alertname: 'A', service: 's', severity: 'x', startsAt: input.range.end - H, endsAt: undefined }];
  input.ingest = [{ dataset: 'up', runs: 1, failedRuns: 0, rows: 1, lastError: undefined, coveredHours: [], firstSampleAt: input.range.start - DAY }];
  const report = buildReport(input);
  assert.equal(report.partial, false);
  assert.equal(report.tables.find((t) => t.name === 'alert_rules')!.rows[0]!.firing_hours, 1);
  assert.equal(report.tables.find((t) => t.name === 'ingest')!.rows[0]!.longest_gap_hours, 24);
  assert.ok(!report.summary.some((line) => line.startsWith('Partial report')));
  assert.match(report.summary.join('\n'), /Availability: no `up` samples were stored for this period/);
});

test('a report made after its period counts an alert resolved later as still firing at the end, and its time to resolve only where it was resolved inside', () => {
  const input = empty();
  input.tenant = 't';
  input.generatedAt = input.range.end + 10 * H;
  input.alerts = [
    // Resolved an hour into the day: resolved inside, 60 min to resolve.
    { alertname: 'Disk', service: 'db', severity: 'critical', startsAt: input.range.start, endsAt: input.range.start + H },
    // Fired two hours before the day's end and resolved five hours after it: firing at the end.
    { alertname: 'Disk', service: 'db', severity: 'critical', startsAt: input.range.end - 2 * H, endsAt: input.range.end + 5 * H },
  ];
  const report = buildReport(input);
  const row = report.tables.find((t) => t.name === 'alert_rules')!.rows[0]!;
  assert.deepEqual([row.firings, row.still_firing, row.firing_hours, row.mttr_minutes], [2, 1, 3, 60]);
  assert.match(report.summary.join('\n'), /Alerts: 2 firings of 1 rule, 3\.0 h firing in total, mean time to resolve 60 min;/);
});

test('the alert datasets are events, not ingest: hours without an alert are no gaps', () => {
  const input = empty();
  input.tenant = 't';
  const row = (dataset: string, coveredHours: number[]) => ({ dataset, runs: 0, failedRuns: 0, rows: 0, lastError: undefined, coveredHours: coveredHours.map((h) => input.range.start + h * H), firstSampleAt: coveredHours.length ? input.range.start + coveredHours[0]! * H : null });
  // No alert started today (no sample at all), and one fired in hours 3 and 4 only.
  input.ingest = [row('alerts_started', []), row('alerts_firing', [3, 4]), row('up', [3, 4])];
  const report = buildReport(input);
  const ingest = Object.fromEntries(report.tables.find((t) => t.name === 'ingest')!.rows.map((r) => [r.dataset, r]));
  assert.deepEqual([ingest.alerts_started!.gaps, ingest.alerts_started!.coverage], [0, null]);
  assert.deepEqual([ingest.alerts_firing!.gaps, ingest.alerts_firing!.coverage], [0, null]);
  // An ingested dataset with the same hours has its gap: hours 5 to 23.
  assert.deepEqual([ingest.up!.gaps, ingest.up!.longest_gap_hours], [1, 19]);
  assert.match(report.summary.join('\n'), /1 of 3 datasets have gaps where data was expected \(the longest 19 h\)/);
});

test('a period with hardly any data is no baseline: the change is left out, and every table row and the summary say why', () => {
  const range = periodRange('weekly', wed);
  const input: ReportInput = { ...empty(), tenant: 't', period: 'weekly', range, previous: previousPeriod('weekly', range), generatedAt: range.end + H };
  const hoursOf = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i * H);
  const ingest = (dataset: string) => ({ dataset, runs: 1, failedRuns: 0, rows: 1, lastError: undefined, coveredHours: hoursOf(range.start, 168), firstSampleAt: range.start - 3 * H });
  const row = (metric: string, period: 'current' | 'previous', mean: number) => ({ service: 'api', metric, period, mean, max: mean, count: 100 });
  input.services = [
    row('up', 'current', 1),
    row('http_requests_per_second', 'current', 12.29),
    row('http_requests_per_second', 'previous', 10),
    row('http_request_duration_p95_seconds', 'current', 0.2),
    row('http_request_duration_p95_seconds', 'previous', 0.1),
  ];
  input.ingest = [ingest('up'), ingest('http_requests_per_second'), ingest('http_request_duration_p95_seconds')];
  // The demo's first week: the previous week held its last 3 hours only.
  input.previousCoveredHours = { up: 3, http_requests_per_second: 3, http_request_duration_p95_seconds: 3 };
  const thin = buildReport(input);
  const services = thin.tables.find((t) => t.name === 'services')!;
  const reason = 'not compared with the previous period (previous week: 3 h of data, this week: 168 h)';
  assert.deepEqual(services.rows.map((r) => [r.request_rate_change, r.p95_change, r.previous_period]), [[null, null, reason]]);
  assert.deepEqual(thin.charts.latencyP95, [{ label: 'api', value: 0.2 }], 'no previous bar beside the current one');
  const summary = thin.summary.join('\n');
  assert.match(summary, new RegExp(`^Traffic averaged 12\\.29 req/s, ${reason.replace(/[()]/g, '\\$&')}\\.$`, 'm'));
  assert.match(summary, /^Latency: the slowest service was api with a p95 of 200 ms, not compared with the previous period \(previous week: 3 h of data, this week: 168 h\)\.$/m);
  assert.doesNotMatch(summary, /up \d|down \d/);

  // With 3/4 of the current hours covered the previous week is a baseline again: 12.29 / 10 - 1 = 22.9%.
  input.previousCoveredHours = { up: 126, http_requests_per_second: 126, http_request_duration_p95_seconds: 126 };
  const full = buildReport(input);
  const fullRow = full.tables.find((t) => t.name === 'services')!.rows[0]!;
  assert.ok(Math.abs((fullRow.request_rate_change as number) - 0.229) < 1e-9);
  assert.equal(fullRow.previous_period, 'compared');
  assert.match(full.summary.join('\n'), /^Traffic averaged 12\.29 req\/s, up 22\.9% on the previous period\.$/m);

  // Only the thin metric is left out, named.
  input.previousCoveredHours = { http_requests_per_second: 126, http_request_duration_p95_seconds: 10 };
  const mixed = buildReport(input).tables.find((t) => t.name === 'services')!.rows[0]!;
  assert.ok(Math.abs((mixed.request_rate_change as number) - 0.229) < 1e-9);
  assert.equal(mixed.p95_change, null);
  assert.equal(mixed.previous_period, 'http_request_duration_p95_seconds not compared with the previous period (previous week: 10 h of data, this week: 168 h)');
});
