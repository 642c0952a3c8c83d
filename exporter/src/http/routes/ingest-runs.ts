import { Router } from 'express';
import { authOf } from '../auth-context.js';
import { HttpError } from '../http-error.js';
import type { ApiDeps } from './api-deps.js';

const maxLimit = 1000;

/** GET /ingest-runs?limit=N: the caller's tenant's latest ingest runs, newest first. */
export function ingestRunsRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/ingest-runs', async (req, res) => {
    const { tenant } = authOf(res);
    const text = typeof req.query.limit === 'string' ? req.query.limit : '100';
    const limit = Number(text);
    if (!/^\d+$/.test(text) || limit < 1 || limit > maxLimit) {
      throw new HttpError(400, `limit: got "${text}", expected an integer between 1 and ${maxLimit}`);
    }
    res.json({ runs: await deps.warehouse.listIngestRuns(tenant, limit) });
  });
  return router;
}
