// Every store of the service besides points and rollups (Warehouse): what jobs and routes receive,
// never a database handle. Each engine's warehouse provides them all.
import type { AlertStore } from './alert-store.js';
import type { AuditLog } from './audit-store.js';
import type { AnomalyStore } from './anomaly-store.js';
import type { PredictionStore } from './prediction-store.js';
import type { RecommendationStore } from './recommendation-store.js';
import type { ReferenceStore } from './reference/reference-store.js';
import type { ReportInputs } from './report-inputs.js';
import type { ReportStore } from './report-store.js';
import type { ReplicaStore } from '../replicas/replica-store.js';
import type { Warehouse } from './warehouse.js';

export interface WarehouseStores {
  /** The alert history: one per warehouse, since its cache must see every change recorded. */
  readonly alerts: AlertStore;
  /** Every state change made through the API, and the scheduled reports. */
  readonly audit: AuditLog;
  readonly anomalies: AnomalyStore;
  readonly predictions: PredictionStore;
  readonly recommendations: RecommendationStore;
  readonly reports: ReportStore;
  readonly reportInputs: ReportInputs;
  /** The tenants' reference tables (business data that queries join on a label). */
  readonly reference: ReferenceStore;
  /** Membership of Sextant replicas sharing the warehouse, where the engine takes writes from several processes (ClickHouse). */
  readonly replicas?: ReplicaStore;
}

/** A warehouse with all of its stores: what the service opens, whatever the engine. */
export type ServiceWarehouse = Warehouse & WarehouseStores;
