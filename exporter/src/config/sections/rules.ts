// The `rules` section of sextant.yaml (also a file of its own for `sextant rules generate`): which
// generators run and with what. Defaults are the reference stack's (DEFAULT_* in @sextant/core/rules).
import {
  ANOMALY_TYPES,
  DEFAULT_ABSENT,
  DEFAULT_CAPACITY,
  DEFAULT_PIPELINE,
  DEFAULT_SCORE_ALERTS,
  DEFAULT_SEXTANT_BANDS,
  DEFAULT_THRESHOLDS,
  SCORE_METRICS,
  type RulesSpec,
} from '@sextant/core/rules';
import { z } from 'zod';

const duration = z.string().regex(/^(\d+[wdhms]|\d+ms)+$/, 'a Prometheus duration like 5m, 1h30m or 30d');
const equalityFilters = z.record(z.string(), z.string());
const matcher = z.union([
  z.string(),
  z.strictObject({ equals: z.string() }),
  z.strictObject({ notEquals: z.string() }),
  z.strictObject({ regex: z.string(), example: z.string().optional() }),
  z.strictObject({ notRegex: z.string(), example: z.string().optional() }),
]);
const selector = z.strictObject({ metric: z.string(), matchers: z.record(z.string(), matcher).optional() });
const level = z.strictObject({ above: z.number(), for: duration, severity: z.string() });
const forecast = z.strictObject({ lookback: duration, horizon: duration, for: duration, severity: z.string() });

const slo = z.strictObject({
  service: z.string().min(1),
  name: z.string().min(1),
  objective: z.number().gt(0).lt(100),
  period: duration.default('30d'),
  errors: selector,
  total: selector,
  minEvents: z.number().int().min(0).default(0),
  alertName: z.string().default('SLOErrorBudgetBurn'),
  pageSeverity: z.string().default('critical'),
  ticketSeverity: z.string().default('warning'),
  labels: equalityFilters.default({}),
});

const scoreAlert = z.strictObject({
  alert: z.string(),
  metric: z.enum(SCORE_METRICS),
  above: z.number().min(0).lt(1),
  for: duration,
  severity: z.string(),
  filters: equalityFilters.default({}),
});

const band = z.strictObject({
  name: z.string(),
  type: z.enum(ANOMALY_TYPES),
  selector,
  kind: z.enum(['counter', 'gauge']),
  by: z.array(z.string()).default([]),
  rateWindow: duration.default('5m'),
});

const sextantBands = z.strictObject({
  datasets: z.array(z.string()).default(DEFAULT_SEXTANT_BANDS.datasets),
  for: duration.default(DEFAULT_SEXTANT_BANDS.for),
  severity: z.string().default(DEFAULT_SEXTANT_BANDS.severity),
});

const thresholds = z.strictObject({
  node: equalityFilters.default(DEFAULT_THRESHOLDS.node),
  http: equalityFilters.default(DEFAULT_THRESHOLDS.http),
  httpMetrics: z
    .strictObject({
      requests: z.string().default(DEFAULT_THRESHOLDS.httpMetrics.requests),
      duration: z.string().default(DEFAULT_THRESHOLDS.httpMetrics.duration),
      statusLabel: z.string().default(DEFAULT_THRESHOLDS.httpMetrics.statusLabel),
      errorStatus: z.string().default(DEFAULT_THRESHOLDS.httpMetrics.errorStatus),
      serviceLabel: z.string().default(DEFAULT_THRESHOLDS.httpMetrics.serviceLabel),
    })
    .prefault({}),
  cpuPercent: z.array(level).default(DEFAULT_THRESHOLDS.cpuPercent),
  memoryPercent: z.array(level).default(DEFAULT_THRESHOLDS.memoryPercent),
  diskPercent: z.array(level).default(DEFAULT_THRESHOLDS.diskPercent),
  errorRatio: z.array(level).default(DEFAULT_THRESHOLDS.errorRatio),
  latencyP99Seconds: z.array(level).default(DEFAULT_THRESHOLDS.latencyP99Seconds),
});

const capacity = z.strictObject({
  node: equalityFilters.default(DEFAULT_CAPACITY.node),
  disk: forecast.nullable().default(DEFAULT_CAPACITY.disk),
  memory: forecast.nullable().default(DEFAULT_CAPACITY.memory),
});

const absent = z.strictObject({
  alert: z.string().default(DEFAULT_ABSENT.alert),
  for: duration.default(DEFAULT_ABSENT.for),
  severity: z.string().default(DEFAULT_ABSENT.severity),
  datasets: z.array(z.strictObject({ name: z.string().min(1), selector })).default(DEFAULT_ABSENT.datasets),
});

const pipeline = z.strictObject({
  severity: z.string().default(DEFAULT_PIPELINE.severity),
  ingestLag: duration.default(DEFAULT_PIPELINE.ingestLag),
  ingestLagFor: duration.default(DEFAULT_PIPELINE.ingestLagFor),
  ingestFailingWindow: duration.default(DEFAULT_PIPELINE.ingestFailingWindow),
  staleAfter: z.record(z.string(), duration).default(DEFAULT_PIPELINE.staleAfter),
  intakeBacklogFor: duration.default(DEFAULT_PIPELINE.intakeBacklogFor),
  trainingFailingWindow: duration.default(DEFAULT_PIPELINE.trainingFailingWindow),
});

/** `false` turns a generator off; leaving it out uses its defaults. */
function generator<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(false), schema]).optional();
}

export const rulesSectionSchema = z.strictObject({
  /** Where `sextant rules generate` writes when --out is not given. */
  outDir: z.string().default('alert-rules'),
  /** Each generated alert links `<runbookBaseUrl>/<alert kind><runbookSuffix>` (docs/runbooks/<kind>.md in the repository). */
  runbookBaseUrl: z.url().optional(),
  runbookSuffix: z.string().regex(/^[^\s/?#]*$/, 'no spaces, slashes, ? or #').default('.md'),
  slos: z.array(slo).default([]),
  scores: z.union([z.literal(false), z.array(scoreAlert)]).optional(),
  bands: z.array(band).default([]),
  sextantBands: generator(sextantBands),
  thresholds: generator(thresholds),
  capacity: generator(capacity),
  absent: generator(absent),
  pipeline: generator(pipeline),
}).prefault({});

export type RulesSection = z.infer<typeof rulesSectionSchema>;

/** The core's generator input from a parsed section: absent generators get their defaults. */
export function rulesSpecOf(section: RulesSection): RulesSpec {
  const on = <T>(value: T | false | undefined, schema: z.ZodType<T>): T | null =>
    value === false ? null : (value ?? schema.parse({}));
  return {
    runbookBaseUrl: section.runbookBaseUrl,
    runbookSuffix: section.runbookSuffix,
    slos: section.slos,
    scores: section.scores === false ? [] : (section.scores ?? DEFAULT_SCORE_ALERTS),
    bands: section.bands,
    sextantBands: on(section.sextantBands, sextantBands),
    thresholds: on(section.thresholds, thresholds),
    capacity: on(section.capacity, capacity),
    absent: on(section.absent, absent),
    pipeline: on(section.pipeline, pipeline),
  };
}
