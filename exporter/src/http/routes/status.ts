import { Router } from 'express';
import type { SourceConfig } from '../../config/sections/source.js';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';

/** What a service reads and writes, as its CLI prints it: a user can tell which service answered. */
export interface ServiceStatus {
  /** The config file the service loaded (absolute), or null when it was given none (tests). */
  configFile: string | null;
  source: { kind: 'demo'; seed: number } | { kind: 'prometheus'; url: string };
  warehouse: { path: string };
  /** Who asked: the token's name, tenant and role. */
  caller: { token: string; tenant: string; role: string };
}

export function sourceSummary(source: SourceConfig): ServiceStatus['source'] {
  return source.kind === 'demo' ? { kind: 'demo', seed: source.demo.seed } : { kind: 'prometheus', url: source.prometheus.url ?? '' };
}

/** GET /status: the service's config file, source and warehouse (paths reveal the host: token needed, any role). */
export function statusRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    const auth = authOf(res);
    const status: ServiceStatus = {
      configFile: deps.configFile ?? null,
      source: sourceSummary(deps.config.source),
      warehouse: { path: deps.config.warehouse.path },
      caller: { token: auth.tokenName, tenant: auth.tenant, role: auth.role },
    };
    res.json(status);
  });
  return router;
}
