import { z } from 'zod';
import { duration, flag, integer, text } from '../fields.js';

export const predictSection = z
  .strictObject({
    /** Train failure predictors and export sextant_failure_probability. */
    enabled: flag().default(true),
    /** How far ahead each model predicts a critical alert; one model per horizon. */
    horizons: z.array(duration()).min(1).describe('a list of durations such as 30m, 2h').prefault(['30m']),
    /** Length of the feature window ending at the prediction time. */
    window: duration().prefault('30m'),
    /** Distance between training windows. */
    step: duration().prefault('5m'),
    /** Alert severities that count as failures. */
    severities: z.array(text('a severity')).min(1).describe('a list of severities').default(['critical']),
    /** History each training run reads. */
    trainingRange: duration().prefault('28d'),
    /** Share of the training range (its newest part) held out for the evaluation. */
    testFraction: z.number().min(0.05).max(0.5).describe('a number between 0.05 and 0.5').default(0.25),
    trees: integer(1, 1000).default(100),
    maxDepth: integer(1, 30).default(12),
    seed: integer(0, 2_147_483_647).default(1),
    /** Time between training runs. */
    trainInterval: duration().prefault('6h'),
    /** Time between inference runs (set it to the ingest interval). */
    interval: duration().prefault('1m'),
  })
  .prefault({});

export type PredictConfig = z.output<typeof predictSection>;

const slo = z.strictObject({
  name: text('an SLO name'),
  /** The `service` (or `job`) label of the HTTP datasets. */
  service: text('a service name'),
  objective: z.number().gt(0).lt(1).describe('a ratio between 0 and 1 such as 0.999'),
  window: duration().prefault('30d'),
});

export const recommendSection = z
  .strictObject({
    enabled: flag().default(true),
    /** Time between recommendation runs (analyzers, policies, outcome checks). */
    interval: duration().prefault('5m'),
    /** Service type of each service, for policies that apply per type. */
    serviceTypes: z.record(z.string(), z.string()).describe('a map of service names to service types').default({}),
    slos: z.array(slo).describe('a list of SLOs').default([]),
    /** Action webhooks: off unless enabled; each call needs an approval through the API. */
    actions: z
      .strictObject({
        enabled: flag().default(false),
        /** Webhook URLs must start with one of these; each must end in "/". */
        allowedUrlPrefixes: z
          .array(z.string().regex(/^https?:\/\/[^\s/]+\/\S*$/).refine((p) => p.endsWith('/'), { params: { expected: true } }))
          .describe('a list of http(s) URL prefixes ending in /')
          .default([]),
        /** At most this many executions per rateWindow per tenant. */
        maxPerWindow: integer(1, 1000).default(5),
        rateWindow: duration().prefault('1h'),
        timeout: duration().prefault('10s'),
      })
      .prefault({}),
  })
  .prefault({});

export type RecommendConfig = z.output<typeof recommendSection>;
