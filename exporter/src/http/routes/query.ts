import { Router } from 'express';
import { authOf } from '../auth-context.js';
import { HttpError } from '../http-error.js';
import { biQuerySchema, parseBiQuery } from '../query-schema.js';
import type { ApiDeps } from './api-deps.js';
import { tenantDatasets } from './tenant-datasets.js';

/**
 * POST /query: a structured BI query over the caller's tenant, answered as data frames. It reads the
 * datasets GET /datasets lists (tenant-datasets.ts): the tenant's ingested datasets and the alert
 * datasets (`alerts_firing`, `alerts_started`), which the alert-datasets job writes into the same
 * points table.
 */
export function queryRoutes(deps: ApiDeps): Router {
  const router = Router();
  const schema = biQuerySchema(deps.config.warehouse.query);
  router.post('/query', async (req, res) => {
    const { tenant } = authOf(res);
    const query = parseBiQuery(req.body, schema, deps.now());
    const known = tenantDatasets(deps.datasets, tenant).map((d) => d.name);
    if (!known.includes(query.dataset)) {
      throw new HttpError(404, `dataset: "${query.dataset}" is not a dataset of tenant ${tenant}; known: ${known.join(', ')}`);
    }
    const frames = await deps.warehouse.query(tenant, query);
    res.json({ frames });
  });
  return router;
}
