// Alertmanager's API v2, the part we need: every alert it holds, silenced and inhibited included,
// with what suppresses it. The webhook never sees suppressed alerts; this does.
import { z } from 'zod';
import { SourceError } from './metrics-source.js';

const gettableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string().default(''),
  fingerprint: z.string(),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  status: z.object({
    state: z.enum(['active', 'suppressed', 'unprocessed']),
    silencedBy: z.array(z.string()).nullable().default([]),
    inhibitedBy: z.array(z.string()).nullable().default([]),
  }),
});

export type AlertmanagerAlert = z.infer<typeof gettableAlert>;

export interface AlertSource {
  /** Every alert Alertmanager holds now (active, silenced, inhibited, unprocessed). */
  alerts(signal?: AbortSignal): Promise<AlertmanagerAlert[]>;
}

export function createAlertmanagerSource(options: { url: string; timeoutMs: number }): AlertSource {
  const base = options.url.replace(/\/+$/, '');
  return {
    async alerts(signal) {
      const url = `${base}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let response: globalThis.Response;
      try {
        response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
      } catch (error) {
        throw new SourceError(`alertmanager ${base}`, `did not answer: ${error instanceof Error ? error.message : String(error)}`, true);
      }
      if (!response.ok) throw new SourceError(`alertmanager ${base}`, `answered ${response.status} to GET /api/v2/alerts`, response.status >= 500);
      const parsed = z.array(gettableAlert).safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new SourceError(`alertmanager ${base}`, `/api/v2/alerts is not a list of alerts: ${parsed.error.issues[0]?.message}`, false);
      return parsed.data;
    },
  };
}
