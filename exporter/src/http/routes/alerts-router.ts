// The /api/v1 alerts router (webhook, history, analysis) from the `alerts` config section, sharing
// the store's one recorder with the alert jobs (alerts/setup.ts).
import type { Router } from 'express';
import { recorderOf, type AlertsDeps } from '../../alerts/setup.js';
import { alertsRoutes } from './alerts.js';

export function alertsApiRouter(deps: AlertsDeps): Router {
  const { store } = deps;
  return alertsRoutes({
    store,
    commit: recorderOf(store, deps.registry),
    maxAlertsPerRequest: deps.config.webhook.maxAlertsPerRequest,
    analysis: deps.config.analysis,
    registry: deps.registry,
    log: deps.log,
    now: deps.now,
  });
}

