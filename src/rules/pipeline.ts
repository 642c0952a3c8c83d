// Alerts on Sextant's own pipeline, from the metrics it exports about itself: ingest falling behind,
// ingest failing, a scheduled job without a success for too long, alert-intake changes not being
// loaded, and training failing. Each rule comes with a scenario that fires it and one that must not.
import type { RunbookLinks } from './alert-kinds.js';
import { parseDuration, renderSelector, renderSeries, RuleInputError, type Selector } from './promql.js';
import type { AlertingRule, GeneratedRules, RuleTest } from './rule.js';
import { sampleLabels } from './series-sample.js';
import { simpleAlert, type SimpleAlert } from './simple-alert.js';

export interface PipelineSpec {
  severity: string;
  /** SextantIngestLagging: a dataset's ingest lag above this ... */
  ingestLag: string;
  /** ... for this long. */
  ingestLagFor: string;
  /** SextantIngestFailing: a dataset with failed windows and no rows written over this window. */
  ingestFailingWindow: string;
  /** SextantJobStale: how old a job's last success may be, by job name; `default` for the others. */
  staleAfter: Record<string, string>;
  /** SextantAlertIntakeBacklog: the intake log not drained once in this long (it loads about every second). */
  intakeBacklogFor: string;
  /** SextantTrainingFailing: training failed and never succeeded over this window (per horizon). */
  trainingFailingWindow: string;
}

const seconds = (duration: string, where: string): number => parseDuration(duration, where) / 1000;
const minutes = (duration: string, where: string): number => Math.ceil(parseDuration(duration, where) / 60_000);
/** A promtool series that holds `value` for `n` minutes. */
const flat = (value: number, n: number): string => `${value}x${n}`;

export function pipelineRules(spec: PipelineSpec, runbook?: RunbookLinks): GeneratedRules {
  const w = 'rules.pipeline';
  const alerts: SimpleAlert[] = [];
  const sel = (selector: Selector, where: string) => renderSelector(selector, where);
  const series = (selector: Selector, where: string, extra: Record<string, string> = {}) => renderSeries(selector.metric, sampleLabels(selector, where, extra), where);
  const base = { severity: spec.severity, for: '5m' };

  const lag = { metric: 'sextant_ingest_lag_seconds' };
  const lagSeconds = seconds(spec.ingestLag, `${w}.ingestLag`);
  const lagEval = minutes(spec.ingestLagFor, `${w}.ingestLagFor`) + 3;
  alerts.push({
    ...base,
    alert: 'SextantIngestLagging',
    kind: 'ingest-lag',
    for: spec.ingestLagFor,
    expr: `max by (dataset) (${sel(lag, w)}) > ${lagSeconds}`,
    summary: ['Sextant ingest of dataset ', { label: 'dataset' }, ` is more than ${spec.ingestLag} behind`],
    description: ['The newest data Sextant holds for dataset ', { label: 'dataset' }, ` is more than ${spec.ingestLag} old: scores, predictions and reports lag by as much.`],
    fire: { series: [{ series: series(lag, w), values: flat(lagSeconds * 2, lagEval + 5) }], evalTime: `${lagEval}m`, outputLabels: [{ dataset: 'up' }] },
    quiet: { series: [{ series: series(lag, w), values: flat(Math.floor(lagSeconds / 2), lagEval + 5) }], evalTime: `${lagEval}m` },
  });

  const errors = { metric: 'sextant_ingest_errors_total' };
  const rows = { metric: 'sextant_ingest_rows_total' };
  const window = spec.ingestFailingWindow;
  const failEval = minutes(window, `${w}.ingestFailingWindow`) + 10;
  alerts.push({
    ...base,
    alert: 'SextantIngestFailing',
    kind: 'ingest-failing',
    expr: `sum by (dataset) (increase(${sel(errors, w)}[${window}])) > 0 unless on (dataset) sum by (dataset) (increase(${sel(rows, w)}[${window}])) > 0`,
    summary: ['Sextant ingest of dataset ', { label: 'dataset' }, ` has failed for ${window}`],
    description: ['Every ingest window of dataset ', { label: 'dataset' }, ` failed over the last ${window} and none wrote a row; sextant_ingest_errors_total says why (reason label), GET /api/v1/ingest-runs shows the errors.`],
    fire: { series: [{ series: series(errors, w), values: `0+1x${failEval + 5}` }, { series: series(rows, w), values: flat(1000, failEval + 5) }], evalTime: `${failEval}m`, outputLabels: [{ dataset: 'up' }] },
    // Errors now and then while rows keep arriving are retried windows, not a failing ingest.
    quiet: { series: [{ series: series(errors, w), values: `0+1x${failEval + 5}` }, { series: series(rows, w), values: `0+100x${failEval + 5}` }], evalTime: `${failEval}m` },
  });

  const { default: fallback, ...perJob } = spec.staleAfter;
  if (fallback === undefined) throw new RuleInputError(`${w}.staleAfter.default: required (how old the last success of a job not listed may be)`);
  for (const job of Object.keys(perJob)) {
    // Job names (ingest, alert-reconcile, ...) become a regex alternation: nothing in them may be a regex operator.
    if (!/^[a-z0-9_-]+$/.test(job)) throw new RuleInputError(`${w}.staleAfter: ${JSON.stringify(job)} is not a job name (lower-case letters, digits, _ and -)`);
  }
  const staleRule = (job: string | undefined, after: string): SimpleAlert => {
    const where = `${w}.staleAfter.${job ?? 'default'}`;
    const others = Object.keys(perJob);
    const matchers: Selector['matchers'] = job !== undefined ? { job } : others.length ? { job: { notRegex: others.join('|'), example: 'ingest' } } : {};
    const success = { metric: 'sextant_job_last_success_timestamp_seconds', matchers };
    const limit = seconds(after, where);
    const evalMin = Math.ceil(limit / 60) + 10;
    const labels = sampleLabels(success, where);
    return {
      ...base,
      alert: 'SextantJobStale',
      kind: 'job-stale',
      // Tells the rules apart (promtool refuses two alerts with the same name and labels).
      extraLabels: { stale_after: after },
      expr: `time() - max by (job) (${sel(success, where)}) > ${limit}`,
      summary: ['Sextant job ', { label: 'job' }, ` has not succeeded for ${after}`],
      description: ['The scheduled job ', { label: 'job' }, ` last finished without error more than ${after} ago: it fails every run (sextant_job_runs_total{outcome="error"}, the service log) or hangs.`],
      fire: { series: [{ series: series(success, where), values: flat(0, evalMin + 5) }], evalTime: `${evalMin}m`, outputLabels: [{ job: labels.job ?? '' }] },
      // A job that succeeds every minute: the timestamp keeps up with time().
      quiet: { series: [{ series: series(success, where), values: `0+60x${evalMin + 5}` }], evalTime: `${evalMin}m` },
    };
  };
  for (const [job, after] of Object.entries(perJob)) alerts.push(staleRule(job, after));
  alerts.push(staleRule(undefined, fallback));

  const intake = { metric: 'sextant_alert_intake_unloaded_bytes' };
  const intakeFor = spec.intakeBacklogFor;
  const intakeEval = minutes(intakeFor, `${w}.intakeBacklogFor`) + 10;
  const intakeLabels = sampleLabels(intake, w);
  alerts.push({
    ...base,
    alert: 'SextantAlertIntakeBacklog',
    kind: 'alert-intake-backlog',
    expr: `min_over_time(${sel(intake, w)}[${intakeFor}]) > 0`,
    summary: [`Sextant's alert intake log has not been loaded for ${intakeFor}`],
    description: [`Acknowledged Alertmanager notifications wait in the intake log (`, { label: 'instance' }, `) and none was loaded into the alert history for ${intakeFor}; they are safe on disk, but the history and alert analytics miss them until loads succeed.`],
    fire: { series: [{ series: series(intake, w), values: `4096+4096x${intakeEval + 5}` }], evalTime: `${intakeEval}m`, outputLabels: [intakeLabels] },
    // Changes arrive and are loaded within the second: the log is empty at most scrapes.
    quiet: { series: [{ series: series(intake, w), values: Array.from({ length: intakeEval + 5 }, (_, i) => (i % 2 ? 4096 : 0)).join(' ') }], evalTime: `${intakeEval}m` },
  });

  const failed = { metric: 'sextant_predict_training_runs_total', matchers: { outcome: 'error' } };
  const succeeded = { metric: 'sextant_predict_training_runs_total', matchers: { outcome: 'ok' } };
  const trainWindow = spec.trainingFailingWindow;
  const trainEval = minutes(trainWindow, `${w}.trainingFailingWindow`) + 10;
  const every = (n: number) => `0+1x${n}`;
  alerts.push({
    ...base,
    alert: 'SextantTrainingFailing',
    kind: 'training-failing',
    expr: `sum by (horizon) (increase(${sel(failed, w)}[${trainWindow}])) > 0 unless on (horizon) sum by (horizon) (increase(${sel(succeeded, w)}[${trainWindow}])) > 0`,
    summary: ['Sextant failure-predictor training for horizon ', { label: 'horizon' }, ` failed for ${trainWindow}`],
    description: ['Training of the ', { label: 'horizon' }, ` failure predictor failed and did not succeed once in ${trainWindow}: predictions come from an old model or none (not enough data is not a failure).`],
    fire: { series: [{ series: series(failed, w), values: every(trainEval + 5) }, { series: series(succeeded, w), values: flat(3, trainEval + 5) }], evalTime: `${trainEval}m`, outputLabels: [{ horizon: '1h' }] },
    quiet: { series: [{ series: series(failed, w), values: every(trainEval + 5) }, { series: series(succeeded, w), values: every(trainEval + 5) }], evalTime: `${trainEval}m` },
  });

  const rules: AlertingRule[] = [];
  const tests: RuleTest[] = [];
  for (const alert of alerts) {
    const generated = simpleAlert(alert, runbook);
    rules.push(generated.rule);
    tests.push(...generated.tests);
  }
  return { groups: [{ name: 'sextant-pipeline', rules }], tests };
}
