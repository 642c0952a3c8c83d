import { z } from 'zod';
import { duration, httpUrl, integer, name, oneOf, text } from '../fields.js';
import { secret } from '../secret.js';

export const jaegerSection = z
  .strictObject({
    /** Jaeger's query service (its UI port), e.g. http://jaeger:16686. Without it, no traces are ingested (except from the demo). */
    url: httpUrl().optional(),
    /** auto: api_v3 where Jaeger has it, else the internal JSON API of Jaeger UI. */
    api: oneOf(['auto', 'v3', 'v1']).default('auto'),
    /** Tenant for multi-tenant Jaeger, sent in `tenantHeader`. */
    tenant: text('a Jaeger tenant').optional(),
    tenantHeader: text('an HTTP header name').default('x-tenant'),
    bearerToken: secret().optional(),
    basicAuth: z.strictObject({ username: text(), password: secret() }).optional(),
    timeout: duration().prefault('30s'),
    retries: integer(0, 20).default(3),
    maxResponseBytes: integer(1024, 1_073_741_824).default(64 * 1024 * 1024),
    /** Traces fetched per service and window at most; when reached, counts are lower bounds. */
    maxTracesPerWindow: integer(1, 10_000).default(200),
    /** Probability a trace was kept, for spans that do not state it (your head sampling rate). */
    samplingProbability: z.number().gt(0).max(1).describe('a probability, greater than 0 and at most 1').default(1),
    /** "*" for every service Jaeger lists, or a comma-separated list of services. */
    services: text('"*" or a comma-separated list of services').default('*'),
    excludeServices: z.array(text('a service name')).describe('a list of service names').default(['jaeger', 'jaeger-all-in-one', 'jaeger-query']),
    /** Window of one trace search, and resolution of the trace dataset. */
    step: duration().prefault('1m'),
    /** Requests in flight at once. */
    concurrency: integer(1, 32).default(4),
    /** Name of the trace dataset. */
    dataset: name('dataset').default('traces'),
  })
  .prefault({})
  .superRefine((jaeger, ctx) => {
    if (jaeger.bearerToken && jaeger.basicAuth) {
      ctx.addIssue({ code: 'custom', path: ['basicAuth'], message: 'set either bearerToken or basicAuth, not both' });
    }
  });

export type JaegerConfig = z.output<typeof jaegerSection>;
