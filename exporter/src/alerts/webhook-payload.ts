// Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// validated strictly: anything we would have to guess about is refused with the reason.
import { z } from 'zod';
import type { AlertObservation } from '../warehouse/alert-store.js';

/** Go's zero time: Alertmanager's endsAt of an alert that has not resolved. */
const ZERO_TIME = '0001-01-01T00:00:00Z';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 16_384;
const MAX_LABELS = 200;

const timestamp = z
  .string()
  .regex(RFC3339, 'an RFC 3339 time like 2026-01-02T03:04:05.678Z')
  .refine((s) => s.startsWith('0001-') || Number.isFinite(Date.parse(s)), 'not a real date');

const labelSet = (what: string) =>
  z
    .record(z.string().min(1, `${what} names must not be empty`).max(1024), z.string().max(MAX_TEXT))
    .refine((r) => Object.keys(r).length <= MAX_LABELS, `at most ${MAX_LABELS} ${what}`);

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet('labels').refine((l) => typeof l.alertname === 'string' && l.alertname !== '', 'labels.alertname is required'),
  annotations: labelSet('annotations').default({}),
  startsAt: timestamp.refine((s) => s !== ZERO_TIME, 'startsAt must be set'),
  endsAt: timestamp,
  generatorURL: z.string().max(MAX_TEXT).default(''),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'Alertmanager fingerprints are 16 hex digits'),
});

export function webhookPayloadSchema(maxAlerts: number) {
  return z.object({
    version: z.literal('4', { error: 'only version "4" of the webhook payload is supported' }),
    groupKey: z.string().max(MAX_TEXT),
    truncatedAlerts: z.number().int().min(0).default(0),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string().max(MAX_TEXT),
    groupLabels: labelSet('group labels'),
    commonLabels: labelSet('common labels'),
    commonAnnotations: labelSet('common annotations'),
    externalURL: z.string().max(MAX_TEXT),
    alerts: z.array(alert).min(1, 'alerts must not be empty').max(maxAlerts, `at most ${maxAlerts} alerts per request (alerts.webhook.maxAlertsPerRequest)`),
  });
}

export type WebhookPayload = z.infer<ReturnType<typeof webhookPayloadSchema>>;

/** Building a zod schema costs more than using it (zod compiles it on first use): one per limit. */
const schemas = new Map<number, ReturnType<typeof webhookPayloadSchema>>();

function schemaFor(maxAlerts: number): ReturnType<typeof webhookPayloadSchema> {
  let schema = schemas.get(maxAlerts);
  if (!schema) {
    schema = webhookPayloadSchema(maxAlerts);
    schemas.set(maxAlerts, schema);
  }
  return schema;
}

function ms(time: string): number {
  return Date.parse(time);
}

/** Parses a request body; returns the observations or the first problems as one sentence. */
export function parseWebhook(body: unknown, tenant: string, maxAlerts: number): { observations: AlertObservation[] } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: 'the body must be a JSON object (Alertmanager webhook payload version 4) sent as application/json' };
  }
  const parsed = schemaFor(maxAlerts).safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { error: `invalid Alertmanager webhook payload: ${issues.join('; ')}` };
  }
  const payload = parsed.data;
  const observations: AlertObservation[] = [];
  for (const [i, a] of payload.alerts.entries()) {
    const resolved = a.status === 'resolved';
    if (resolved && a.endsAt === ZERO_TIME) return { error: `invalid Alertmanager webhook payload: alerts.${i}.endsAt: a resolved alert needs its endsAt` };
    if (resolved && ms(a.endsAt) < ms(a.startsAt)) return { error: `invalid Alertmanager webhook payload: alerts.${i}.endsAt is before its startsAt` };
    observations.push({
      tenant,
      fingerprint: a.fingerprint,
      startsAtMs: ms(a.startsAt),
      state: resolved ? 'resolved' : 'firing',
      endsAtMs: resolved ? ms(a.endsAt) : null,
      labels: a.labels,
      annotations: a.annotations,
      generatorUrl: a.generatorURL,
      receiver: payload.receiver,
      suppressedBy: [],
      source: 'webhook',
    });
  }
  return { observations };
}
