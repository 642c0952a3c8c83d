import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/schema.js';
import type { BackfillRunner } from '../../jobs/backfill-runner.js';
import type { PredictApiDeps } from '../../jobs/predict-setup.js';
import type { Logger } from '../../log.js';
import type { LiveEvents } from '../live-events.js';
import type { DatasetDefinition } from '../../sources/metrics-source.js';
import type { WarehouseStores } from '../../warehouse/stores.js';
import type { Warehouse } from '../../warehouse/warehouse.js';

/**
 * What the API routes get from the service. An area's routes build what they need from it: their
 * stores on `stores`, their settings from `config.<section>`, their metrics on `registry`.
 */
export interface ApiDeps {
  config: Config;
  /** The config file the service loaded (absolute path), shown by GET /status; absent in tests that build a config in memory. */
  configFile?: string;
  warehouse: Warehouse;
  /** The warehouse's other stores (alert history, anomalies, reports, ...). */
  stores: WarehouseStores;
  /** The datasets being ingested, every tenant's; routes show each caller only its tenant's. */
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  log: Logger;
  /** Unix ms. */
  now: () => number;
  /** Prediction and recommendation stages, shared with their jobs (absent: those routes answer 503). */
  predict?: PredictApiDeps;
  /** Backfills started through the API, sharing write turns with the ingest job (absent: those routes answer 503). */
  backfills?: BackfillRunner;
  /** What the jobs publish for GET /events (absent: that route answers 503). */
  live?: LiveEvents;
  /** The alerts router (webhook, history, analysis), built by alertsApiRouter (alerts-router.ts), sharing its store with alertJobs. */
  alerts?: Router;
}
