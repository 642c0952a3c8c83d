// Every /api/v1 router of the service, in one list. An area adds its routes by writing
// `routes/<name>.ts` exporting `<name>Routes(deps)` and adding one line below (building its deps
// from ApiDeps: its store on `deps.stores`, its settings from `deps.config`, its metrics on `deps.registry`).
// The app mounts each behind the bearer-token check, and the API tests enumerate the routes of this
// list to check that every one refuses callers without a valid token.
import type { Router } from 'express';
import type { ApiDeps } from './api-deps.js';
import { anomaliesRoutes } from './anomalies.js';
import { auditRoutes } from './audit.js';
import { backfillRoutes } from './backfill.js';
import { datasetsRoutes } from './datasets.js';
import { eventsRoutes } from './events.js';
import { exportRoutes } from './export.js';
import { ingestRunsRoutes } from './ingest-runs.js';
import { predictionsRoutes } from './predictions.js';
import { queryRoutes } from './query.js';
import { recommendationsRoutes } from './recommendations.js';
import { referenceRoutes } from './reference.js';
import { reportsRoutes } from './reports.js';
import { statusRoutes } from './status.js';

export type { ApiDeps } from './api-deps.js';

export function apiRouters(deps: ApiDeps): Router[] {
  return [
    // First: it records the state changes of every router after it.
    auditRoutes(deps),
    statusRoutes(deps),
    queryRoutes(deps),
    datasetsRoutes(deps),
    ingestRunsRoutes(deps),
    backfillRoutes(deps),
    exportRoutes(deps),
    anomaliesRoutes(deps),
    eventsRoutes(deps),
    predictionsRoutes(deps),
    recommendationsRoutes(deps),
    reportsRoutes(deps),
    referenceRoutes(deps),
    ...(deps.alerts ? [deps.alerts] : []),
  ];
}
