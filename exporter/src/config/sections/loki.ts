import { z } from 'zod';
import { duration, flag, httpUrl, integer, name, text } from '../fields.js';
import { secret } from '../secret.js';

const labelName = (what: string) =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).describe(`${what}: a letter or _, then letters, digits or _`);

const dataset = z.strictObject({
  name: name('dataset'),
  /** A LogQL metric query (count_over_time, rate, ... ); its result series are the dataset's. */
  query: text('a LogQL metric query'),
  keepLabels: z.array(text('a label name')).describe('a list of label names').default([]),
  /** Resolution of the points; defaults to loki.step. */
  step: duration().optional(),
  tenant: name('tenant').optional(),
});

export const lokiSection = z
  .strictObject({
    /** Loki's base URL, e.g. http://loki:3100. Without it, no logs are ingested (except from the demo). */
    url: httpUrl().optional(),
    /** Sent as X-Scope-OrgID, for multi-tenant Loki; several tenants joined with |. */
    orgId: text('a Loki tenant id').optional(),
    bearerToken: secret().optional(),
    basicAuth: z.strictObject({ username: text(), password: secret() }).optional(),
    /** One query_range request taking longer than this fails (and is retried). */
    timeout: duration().prefault('30s'),
    retries: integer(0, 20).default(3),
    /** Longest range of one request; keep below Loki's max_query_length (721h by default). */
    maxQueryLength: duration().prefault('720h'),
    /** Points per series in one request; Loki refuses more than 11000. */
    maxPointsPerQuery: integer(1, 11000).default(11000),
    /** Series one dataset may have; Loki's own max_query_series is 500 by default. */
    maxSeries: integer(1, 100_000).default(500),
    maxResponseBytes: integer(1024, 1_073_741_824).default(64 * 1024 * 1024),
    /** Resolution of log datasets that do not set their own. */
    step: duration().prefault('1m'),
    /** Ingest log_lines and log_error_lines per service and level from `streams`. */
    defaultDatasets: flag().default(true),
    streams: z
      .strictObject({
        selector: z
          .string()
          .regex(/^\s*\{.*\}\s*$/)
          .describe('a LogQL stream selector such as {service_name=~".+"}')
          .default('{service_name=~".+"}'),
        /** LogQL stages applied before counting, e.g. `| json`; empty for none. */
        pipeline: z.string().describe('LogQL pipeline stages').default(''),
        serviceLabel: labelName('the label naming the service').default('service_name'),
        levelLabel: labelName('the label holding the log level').default('level'),
        errorLevels: z
          .array(z.string().regex(/^[A-Za-z0-9_.-]+$/).describe('a log level: letters, digits, _ . -'))
          .describe('a list of log levels')
          .default(['error', 'err', 'fatal', 'critical', 'crit', 'panic', 'emergency', 'alert']),
      })
      .prefault({}),
    datasets: z.array(dataset).describe('a list of LogQL datasets').default([]),
  })
  .prefault({})
  .superRefine((loki, ctx) => {
    if (loki.bearerToken && loki.basicAuth) {
      ctx.addIssue({ code: 'custom', path: ['basicAuth'], message: 'set either bearerToken or basicAuth, not both' });
    }
  });

export type LokiConfig = z.output<typeof lokiSection>;
