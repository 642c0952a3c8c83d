import express, { type Express, type RequestHandler, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { bearerAuth, type ApiToken } from './auth.js';
import { errorHandler, HttpError, notFound } from './http-error.js';
import { httpMetrics } from './http-metrics.js';
import { checkJsonDepth } from './json-depth.js';
import { requestLog, requestTimeout } from './request-log.js';
import type { SeriesFamilies } from '../metrics/series-gauge-family.js';

export interface AppDeps {
  /** prom-client metrics of the service (process metrics included). */
  registry: Registry;
  /** High-cardinality families rendered after the registry. */
  families: SeriesFamilies;
  log: Logger;
  tokens: readonly ApiToken[];
  /** The token /metrics requires (auth.metricsToken); without one, /metrics refuses every request. */
  metricsToken: string | undefined;
  /** True once the warehouse is open and migrated, false again when shutdown begins. */
  isReady: () => boolean;
  bodyLimitBytes: number;
  /** Deepest nesting of a JSON body (server.bodyMaxDepth; DEFAULT_BODY_MAX_DEPTH when not given). */
  bodyMaxDepth?: number;
  requestTimeoutMs: number;
  /** Routers mounted under /api/v1 behind the token check (see routes/index.ts). */
  apiRouters: readonly Router[];
}

export const API_PREFIX = '/api/v1';
/** server.bodyMaxDepth's default: Alertmanager's payload and a BI query nest 4 levels. */
export const DEFAULT_BODY_MAX_DEPTH = 32;

const healthy: RequestHandler = (_req, res) => {
  res.type('text/plain').send('Sextant is healthy.\n');
};

/** What answers while the warehouse opens: alive, not ready, and a 503 for everything else. */
export function createStartingApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/-/healthy', healthy);
  app.use((req, res) => {
    res.status(503).set('Retry-After', '5');
    if (req.path === '/-/ready') res.type('text/plain').send('Sextant is not ready: the warehouse is opening.\n');
    else res.json({ error: 'Sextant is starting: the warehouse is opening; retry shortly' });
  });
  return app;
}

/** /metrics holds every tenant's series and scores: it takes its own token, never a tenant's. */
function metricsAuth(token: string | undefined): RequestHandler {
  if (token === undefined) {
    return (_req, _res, next) => next(new HttpError(401, 'no metrics token is configured: set auth.metricsToken and send it as "Authorization: Bearer <token>"'));
  }
  return bearerAuth([{ name: 'metrics', token, tenant: '*', role: 'viewer' }], 'auth.metricsToken');
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(deps.log));
  app.use(httpMetrics(deps.registry));
  app.use(requestTimeout(deps.requestTimeoutMs));

  app.get('/-/healthy', healthy);
  app.get('/-/ready', (_req, res) => {
    if (deps.isReady()) res.type('text/plain').send('Sextant is ready.\n');
    else res.status(503).type('text/plain').send('Sextant is not ready: the warehouse is opening, or the service is shutting down.\n');
  });
  app.get('/metrics', metricsAuth(deps.metricsToken), async (_req, res) => {
    const text = (await deps.registry.metrics()) + deps.families.render();
    res.type(deps.registry.contentType).send(text);
  });

  app.use('/api', bearerAuth(deps.tokens), express.json({ limit: deps.bodyLimitBytes, strict: true, verify: checkJsonDepth(deps.bodyMaxDepth ?? DEFAULT_BODY_MAX_DEPTH) }));
  for (const router of deps.apiRouters) app.use(API_PREFIX, router);

  app.use(notFound);
  app.use(errorHandler(deps.log, deps.bodyLimitBytes));
  return app;
}
