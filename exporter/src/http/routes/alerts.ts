// /api/v1/alerts: Alertmanager's webhook (state changes committed before the answer), the alert
// history, and alert analytics.
import type { AlertAnalysis, AnalysisOptions } from '@sextant/core/alerts';
import { Router, type Request, type Response } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { GroupCommit } from '../../alerts/group-commit.js';
import { parseWebhook } from '../../alerts/webhook-payload.js';
import type { Logger } from '../../log.js';
import type { AlertObservation, AlertStore } from '../../warehouse/alert-store.js';
import { authOf, roleAllows } from '../auth-context.js';
import { parseInstant } from '../../time-text.js';
import { coreWorkers } from '../../worker-pool.js';

export interface AlertsRoutesDeps {
  store: AlertStore;
  /** Batches webhook observations into shared transactions (createAlertRecorder). */
  commit: GroupCommit<AlertObservation>;
  maxAlertsPerRequest: number;
  analysis: AnalysisOptions;
  registry: Registry;
  log: Logger;
  now: () => number;
}

const DAY_MS = 86_400_000;
const MAX_HISTORY = 10_000;

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/** A time query parameter: Unix ms or RFC 3339. */
function timeParam(req: Request, name: string): number | undefined | Error {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '') return new Error(`query parameter ${name} must be one value`);
  try {
    return parseInstant(raw, `query parameter ${name}`);
  } catch (error) {
    return error as Error;
  }
}

export function alertsRoutes(deps: AlertsRoutesDeps): Router {
  const router = Router();
  const requests = new Counter({
    name: 'sextant_alert_webhook_requests_total',
    help: 'Alertmanager webhook requests by outcome (recorded, invalid, forbidden, failed).',
    labelNames: ['outcome'],
    registers: [deps.registry],
  });

  router.post('/alerts/webhook', async (req, res) => {
    const auth = authOf(res);
    if (!roleAllows(auth.role, 'editor')) {
      requests.inc({ outcome: 'forbidden' });
      fail(res, 403, `POST /api/v1/alerts/webhook: token "${auth.tokenName}" has role ${auth.role}; recording alerts needs editor`);
      return;
    }
    const parsed = parseWebhook(req.body, auth.tenant, deps.maxAlertsPerRequest);
    if ('error' in parsed) {
      requests.inc({ outcome: 'invalid' });
      fail(res, 400, parsed.error);
      return;
    }
    try {
      await deps.commit.submit(parsed.observations);
    } catch (error) {
      requests.inc({ outcome: 'failed' });
      deps.log.error('alert webhook: could not record alerts', { error: error instanceof Error ? error.message : String(error) });
      // Not committed: Alertmanager retries on 5xx, which is what we want.
      fail(res, 503, 'alerts could not be written to the warehouse; Alertmanager will retry');
      return;
    }
    requests.inc({ outcome: 'recorded' });
    res.json({ received: parsed.observations.length });
  });

  router.get('/alerts/analysis', async (req, res) => {
    const auth = authOf(res);
    const now = deps.now();
    const from = timeParam(req, 'from');
    const to = timeParam(req, 'to');
    if (from instanceof Error || to instanceof Error) return fail(res, 400, `GET /api/v1/alerts/analysis: ${(from instanceof Error ? from : (to as Error)).message}`);
    const end = to ?? now;
    const start = from ?? end - 7 * DAY_MS;
    if (start >= end) return fail(res, 400, 'GET /api/v1/alerts/analysis: from must be before to');
    // Instances before the range let the first re-firing in it count as a flap.
    const instances = await deps.store.instances(auth.tenant, start - deps.analysis.flapWindowMs - DAY_MS, end);
    // In the worker pool: a million instances are 0.6 s of CPU (bench/results/alerts.md).
    res.json(await coreWorkers.run<AlertAnalysis>({ module: '@sextant/core/alerts', name: 'analyseAlertsOnColumns' }, [instances, start, end, now, deps.analysis]));
  });

  router.get('/alerts/history', async (req, res) => {
    const auth = authOf(res);
    const from = timeParam(req, 'from');
    const to = timeParam(req, 'to');
    if (from instanceof Error || to instanceof Error) return fail(res, 400, `GET /api/v1/alerts/history: ${(from instanceof Error ? from : (to as Error)).message}`);
    const text = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const limit = text('limit') === undefined ? 1000 : Number(text('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY) return fail(res, 400, `GET /api/v1/alerts/history: limit must be a whole number from 1 to ${MAX_HISTORY}`);
    const rows = await deps.store.history(auth.tenant, { alertname: text('alertname'), fingerprint: text('fingerprint'), fromMs: from, toMs: to, limit });
    res.json({ events: rows });
  });

  return router;
}
