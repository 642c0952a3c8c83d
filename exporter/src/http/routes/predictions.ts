// GET /api/v1/predictions: the tenant's failure predictions with their top contributing features, and
// GET /api/v1/predictions/models: the stored models with training range, features and evaluation.
import express, { type Request, type Response } from 'express';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { parseDurationParam, predictDeps, queryInt, queryString, BadRequest, sendError } from './query-params.js';

const MAX_LIMIT = 10_000;

export function predictionsRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();

  router.get('/predictions', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const horizon = queryString(req, 'horizon');
      const entity = queryString(req, 'entity');
      const latest = queryString(req, 'latest');
      if (latest !== undefined && latest !== 'true' && latest !== 'false') throw new BadRequest(`query parameter latest: got "${latest}", expected true or false`);
      const from = queryInt(req, 'from', 0, Number.MAX_SAFE_INTEGER);
      const to = queryInt(req, 'to', 0, Number.MAX_SAFE_INTEGER);
      const predictions = await predictDeps(deps).predictions.listPredictions(tenant, {
        ...(entity !== undefined ? { entity } : {}),
        ...(horizon !== undefined ? { horizonMs: parseDurationParam('horizon', horizon) } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        latest: latest !== 'false',
        limit: queryInt(req, 'limit', 1, MAX_LIMIT) ?? 1000,
      });
      res.json({ predictions });
    } catch (error) {
      sendError(res, error);
    }
  });

  router.get('/predictions/models', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      res.json({ models: await predictDeps(deps).predictions.listModels(tenant, queryInt(req, 'limit', 1, 1000) ?? 20) });
    } catch (error) {
      sendError(res, error);
    }
  });

  return router;
}
