// Every migration of the service, in version order. Add yours here (see migration.ts for the
// version ranges of each area).
import { warehouseCore } from './001-warehouse-core.js';
import { rollupOpenBuckets } from './002-rollup-open-buckets.js';
import { referenceTables } from './003-reference-tables.js';
import { coldFiles } from './004-cold-files.js';
import { anomalyTables } from './100-anomaly.js';
import { anomalyEvidence } from './101-anomaly-evidence.js';
import { alertHistory } from './200-alert-history.js';
import { alertEventsAppendOnly } from './201-alert-events-append-only.js';
import { alertIntake } from './202-alert-intake.js';
import { predictions } from './300-predictions.js';
import { recommendations } from './301-recommendations.js';
import type { Migration } from './migration.js';
import { reportTables } from './500-reports.js';
import { auditLog } from './600-audit-log.js';

export type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [warehouseCore, rollupOpenBuckets, referenceTables, coldFiles, anomalyTables, anomalyEvidence, alertHistory, alertEventsAppendOnly, alertIntake, predictions, recommendations, reportTables, auditLog];
