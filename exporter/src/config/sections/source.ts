import { z } from 'zod';
import { duration, httpUrl, integer, oneOf, text } from '../fields.js';
import { secret } from '../secret.js';

const prometheus = z
  .strictObject({
    /** Base URL of the Prometheus HTTP API, e.g. http://prometheus:9090 (required for kind: prometheus). */
    url: httpUrl().optional(),
    /** One query_range request taking longer than this fails (and is retried). */
    timeout: duration().prefault('30s'),
    /** Requests in flight at once, to stay out of Prometheus' way. */
    concurrency: integer(1, 64).default(4),
    /** Points per series in one query_range; Prometheus refuses more than 11000. */
    maxPointsPerQuery: integer(1, 11000).default(11000),
    /** Retries of a failed request, with exponential backoff and jitter. */
    retries: integer(0, 20).default(3),
    bearerToken: secret().optional(),
    basicAuth: z.strictObject({ username: text(), password: secret() }).optional(),
    /** Extra HTTP headers on every request (e.g. X-Scope-OrgID for Mimir/Cortex). */
    headers: z.record(z.string(), z.string()).describe('a map of header names to values').default({}),
  })
  .prefault({});

export const sourceSection = z
  .strictObject({
    /** demo: the built-in deterministic demo; prometheus: a real Prometheus (or compatible) API. */
    kind: oneOf(['demo', 'prometheus']).default('demo'),
    demo: z.strictObject({ seed: integer(0, 2_147_483_647).default(1) }).prefault({}),
    prometheus,
  })
  .prefault({})
  .superRefine((source, ctx) => {
    if (source.kind === 'prometheus' && source.prometheus.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prometheus', 'url'], message: 'required when source.kind is prometheus' });
    }
    if (source.prometheus.bearerToken && source.prometheus.basicAuth) {
      ctx.addIssue({ code: 'custom', path: ['prometheus', 'basicAuth'], message: 'set either bearerToken or basicAuth, not both' });
    }
  });

export type SourceConfig = z.output<typeof sourceSection>;
