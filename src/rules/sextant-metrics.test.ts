import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSelector, RuleInputError } from './promql.js';
import { scrapedSextantLabels, sextantMetricOf } from './sextant-metrics.js';
import { sloRules, type SloSpec } from './slo.js';

const sextantSlo: SloSpec = {
  service: 'sextant',
  name: 'api-availability',
  objective: 99.5,
  period: '7d',
  errors: { metric: 'sextant_http_requests_total', matchers: { job: 'sextant', code: { regex: '5..' } } },
  total: { metric: 'sextant_http_requests_total', matchers: { job: 'sextant' } },
  minEvents: 50,
  alertName: 'SloErrorBudgetBurn',
  pageSeverity: 'critical',
  ticketSeverity: 'warning',
  labels: {},
};

test('a selector on a label a Sextant metric never carries is refused, naming the labels it has', () => {
  const spec = { ...sextantSlo, errors: { metric: 'sextant_http_requests_total', matchers: { job: 'sextant', status: { regex: '5..' } } } };
  assert.throws(
    () => sloRules([spec]),
    (e: Error) =>
      e instanceof RuleInputError &&
      e.message === 'rules.slos[0].errors.matchers: sextant_http_requests_total has no label "status", so this selector can never match: as Prometheus scrapes it from Sextant it carries job, instance, route, method, code',
  );
});

test("what a scraped Sextant series carries: target labels, Sextant's own (winning a clash, as with honor_labels), le on buckets", () => {
  assert.deepEqual(scrapedSextantLabels('sextant_job_runs_total'), { job: 'ingest', instance: 'sextant:9890', outcome: 'ok' });
  assert.equal(renderSelector({ metric: 'sextant_job_runs_total', matchers: { job: 'ingest', outcome: 'error' } }, 'x'), 'sextant_job_runs_total{job="ingest",outcome="error"}');
  assert.throws(() => renderSelector({ metric: 'sextant_job_runs_total', matchers: { exported_job: 'ingest' } }, 'x'), /has no label "exported_job"/);
  assert.deepEqual(sextantMetricOf('sextant_ingest_duration_seconds_bucket')?.labels, ['dataset', 'le']);
  assert.deepEqual(sextantMetricOf('sextant_ingest_duration_seconds_count')?.labels, ['dataset']);
  assert.equal(sextantMetricOf('sextant_ingest_rows_total_count'), undefined, 'only histograms have _count series');
  // The anomaly families carry the scored series' labels as well: any label may be selected.
  assert.equal(renderSelector({ metric: 'sextant_anomaly_score', matchers: { service: 'checkout' } }, 'x'), 'sextant_anomaly_score{service="checkout"}');
  // Metrics that are not Sextant's are not checked.
  assert.equal(renderSelector({ metric: 'http_requests_total', matchers: { status: '500' } }, 'x'), 'http_requests_total{status="500"}');
});

test("the SLO's unit tests feed it series shaped like Sextant's exposition: route, method and code", () => {
  const { tests } = sloRules([sextantSlo]);
  const series = tests[0]!.inputSeries.map((s) => s.series);
  assert.deepEqual(series, [
    'sextant_http_requests_total{job="sextant",instance="sextant:9890",route="/api/v1/query",method="POST",code="500"}',
    'sextant_http_requests_total{job="sextant",instance="sextant:9890",route="/api/v1/query",method="POST",code="200"}',
  ]);
});
