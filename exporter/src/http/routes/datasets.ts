import { Router } from 'express';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';

/** GET /datasets: the caller's tenant's datasets with how far each has been ingested. */
export function datasetsRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/datasets', async (_req, res) => {
    const { tenant } = authOf(res);
    const mine = deps.datasets.filter((d) => d.tenant === tenant);
    const datasets = await Promise.all(
      mine.map(async (d) => {
        const watermark = await deps.warehouse.watermark(tenant, d.name);
        return { name: d.name, query: d.query, keepLabels: d.keepLabels, stepMs: d.stepMs, watermark: watermark ?? null };
      }),
    );
    res.json({ datasets });
  });
  return router;
}
