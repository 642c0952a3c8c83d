// The whole sextant.yaml. Each top-level key is one section; an area adds its own section by writing
// `exporter/src/config/sections/<area>.ts` (a strict object with defaults, ending in `.prefault({})`)
// and adding one line to `sections` below. Nothing else changes: env overrides, error messages and
// the docs check all follow the schema.
import { z } from 'zod';
import { alertsSectionSchema } from './sections/alerts.js';
import { anomalySection } from './sections/anomaly.js';
import { authSection } from './sections/auth.js';
import { datasetsSection } from './sections/datasets.js';
import { ingestSection } from './sections/ingest.js';
import { jaegerSection } from './sections/jaeger.js';
import { logSection } from './sections/log.js';
import { policiesSection } from './sections/policies.js';
import { predictSection, recommendSection } from './sections/predict.js';
import { lokiSection } from './sections/loki.js';
import { reportsSection } from './sections/reports.js';
import { serverSection } from './sections/server.js';
import { sourceSection } from './sections/source.js';
import { warehouseSection } from './sections/warehouse.js';

export const sections = {
  server: serverSection,
  log: logSection,
  warehouse: warehouseSection,
  auth: authSection,
  source: sourceSection,
  ingest: ingestSection,
  datasets: datasetsSection,
  anomaly: anomalySection,
  alerts: alertsSectionSchema,
  predict: predictSection,
  recommend: recommendSection,
  policies: policiesSection,
  loki: lokiSection,
  jaeger: jaegerSection,
  reports: reportsSection,
};

export const configSchema = z.strictObject(sections);

export type Config = z.output<typeof configSchema>;
