import { Router } from 'express';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { tenantDatasets } from './tenant-datasets.js';

/**
 * GET /datasets: every dataset the caller's tenant can query (its ingested datasets, then the alert
 * datasets), with how far each has been written.
 */
export function datasetsRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/datasets', async (_req, res) => {
    const { tenant } = authOf(res);
    const watermarks = await deps.warehouse.watermarks(tenant);
    const datasets = tenantDatasets(deps.datasets, tenant).map((d) => ({
      name: d.name,
      query: d.query,
      keepLabels: d.keepLabels,
      stepMs: d.stepMs,
      watermark: watermarks.get(d.name) ?? null,
    }));
    res.json({ datasets });
  });
  return router;
}
