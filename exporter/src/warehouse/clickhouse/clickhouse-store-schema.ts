// The ClickHouse tables of the service's stores besides points and rollups. ClickHouse has no
// transactions, unique keys or updates: a row that the DuckDB stores update or replace is a new
// version here (ReplacingMergeTree on the row's key, read with FINAL), counters are rows of deltas
// summed when read, and append-only logs are plain MergeTree tables. Keys lead with the tenant, as
// every read filters on it. Nothing here needs more than ClickHouse 18.16 (no Map, JSON or
// DateTime64 types: JSON objects are text, times Int64 Unix ms). On a cluster, rows with the same
// key land on the same shard (shardBy is a function of the key), so FINAL sees every version of a row.
import type { TableSpec } from './clickhouse-schema.js';

/** alert_events' sorting key; a table made before replicas shared the webhook lacks observed_at_ms and state in it (moved at start: clickhouse-alert-events-migration.ts). */
export const ALERT_EVENTS_KEY = 'tenant, fingerprint, starts_at_ms, observed_at_ms, seq, state';

const replacing = (key: string): string => `ReplacingMergeTree(version) ORDER BY (${key})`;

export const STORE_TABLES: TableSpec[] = [
  // Every window written: the first is when the dataset was first seen (reports list it from then).
  {
    name: 'dataset_windows',
    columns: 'tenant String, dataset String, start_ms Int64, end_ms Int64',
    engine: 'MergeTree ORDER BY (tenant, dataset, start_ms)',
    shardBy: 'cityHash64(tenant, dataset)',
  },
  {
    name: 'anomaly_detector_state',
    columns: `tenant String, dataset String, series_id Int64, scored_until_ms Int64, state String,
      open_event_start_ms Nullable(Int64), last_alarm_ms Nullable(Int64), version UInt64`,
    engine: replacing('tenant, dataset, series_id'),
    shardBy: 'series_id',
  },
  {
    name: 'anomaly_events',
    columns: `tenant String, dataset String, series_id Int64, start_ms Int64, end_ms Int64, peak_score Float64, peak_ms Int64,
      explained_ms Int64, explained_score Float64, severity String, detector String, value Float64, expected Float64,
      lower_band Float64, upper_band Float64, deviation Float64, version UInt64`,
    engine: replacing('tenant, dataset, series_id, start_ms'),
    shardBy: 'series_id',
    // What the detector found (AnomalyEvent.evidence) as JSON text; '' for none.
    added: ['evidence String'],
  },
  // One row per state change as the replica that recorded it saw it; reads fold every replica's rows
  // into one history (clickhouse-alert-changes.ts), so the key is the row's whole identity: rows of
  // different replicas never replace each other, while a segment of the intake log loaded twice (a
  // crash between the insert and alert_intake's row) leaves the same rows again, which FINAL shows once.
  {
    name: 'alert_events',
    columns: `tenant String, fingerprint String, starts_at_ms Int64, seq Int32, state String, ends_at_ms Nullable(Int64),
      observed_at_ms Int64, source String, alertname String, service String, severity String, labels String,
      annotations String, generator_url String, receiver String, suppressed_by String`,
    engine: `ReplacingMergeTree ORDER BY (${ALERT_EVENTS_KEY})`,
    shardBy: 'cityHash64(tenant, fingerprint)',
  },
  // The last segment of each intake log (one per Sextant process: host and directory) loaded.
  {
    name: 'alert_intake',
    columns: 'intake String, loaded_through Int64',
    engine: 'ReplacingMergeTree(loaded_through) ORDER BY intake',
    shardBy: 'cityHash64(intake)',
  },
  {
    name: 'prediction_models',
    columns: `tenant String, version UInt64, horizon_ms Int64, trained_at_ms Int64, range_start_ms Int64, range_end_ms Int64,
      feature_names String, evaluation String, train_rows Int64, test_rows Int64, model String, written UInt64`,
    engine: 'ReplacingMergeTree(written) ORDER BY (tenant, horizon_ms, version)',
    shardBy: 'cityHash64(tenant)',
  },
  {
    name: 'predictions',
    columns: `tenant String, entity String, horizon_ms Int64, at_ms Int64, probability Float64, model_version Int64,
      ongoing UInt8, contributions String, version UInt64`,
    engine: replacing('tenant, entity, horizon_ms, at_ms'),
    shardBy: 'cityHash64(tenant, entity)',
  },
  {
    name: 'recommendations',
    columns: `tenant String, id String, key String, kind String, entity String, action String, context String, severity String,
      priority Int32, title String, explanation String, evidence String, runbook_url Nullable(String), webhook Nullable(String),
      verify_within_ms Int64, status String, created_at_ms Int64, updated_at_ms Int64, applied_at_ms Nullable(Int64),
      outcome Nullable(String), outcome_at_ms Nullable(Int64), version UInt64`,
    engine: replacing('tenant, id'),
    shardBy: 'cityHash64(tenant, id)',
  },
  // The Beta posterior's evidence: one row per outcome or feedback, summed per (action, context).
  {
    name: 'action_outcomes',
    columns: 'tenant String, action String, context String, successes Int64, failures Int64',
    engine: 'MergeTree ORDER BY (tenant, action, context)',
    shardBy: 'cityHash64(tenant)',
  },
  {
    name: 'recommendation_feedback',
    columns: 'tenant String, recommendation_id String, at_ms Int64, helpful UInt8, comment Nullable(String), token_name String',
    engine: 'MergeTree ORDER BY (tenant, recommendation_id, at_ms)',
    shardBy: 'cityHash64(tenant)',
  },
  {
    name: 'action_audit',
    columns: 'seq UInt64, tenant String, recommendation_id String, at_ms Int64, step String, detail String, token_name String',
    engine: 'MergeTree ORDER BY (tenant, at_ms, seq)',
    shardBy: 'cityHash64(tenant)',
  },
  {
    name: 'reports',
    columns: `tenant String, id String, period String, format String, range_start_ms Int64, range_end_ms Int64, created_at_ms Int64,
      trigger String, status String, error Nullable(String), path Nullable(String), bytes Nullable(Int64), version UInt64`,
    engine: replacing('tenant, id'),
    shardBy: 'cityHash64(tenant)',
  },
  {
    name: 'audit_log',
    columns: `id UInt64, tenant String, at_ms Int64, token_name String, role String, action String, target Nullable(String),
      request String, detail Nullable(String), status Int32, result String, error Nullable(String)`,
    engine: 'MergeTree ORDER BY (tenant, id)',
    shardBy: 'cityHash64(tenant)',
  },
  // The catalog of reference tables: the newest version of a (tenant, name) says which
  // reference_<table_id> holds its rows; a dropped table's newest version has dropped = 1.
  {
    name: 'reference_tables',
    columns: 'tenant String, name String, table_id UInt64, columns String, key_columns String, rows UInt64, imported_at_ms Int64, dropped UInt8, version UInt64',
    engine: replacing('tenant, name'),
    shardBy: 'cityHash64(tenant, name)',
  },
  // Sextant replicas sharing this warehouse (replicas/membership.ts): each one's latest heartbeat and claims.
  {
    name: 'replicas',
    columns: 'id String, instance String, heartbeat_ms Int64, role_names Array(String), role_views Array(String), version UInt64',
    engine: replacing('id'),
    shardBy: 'cityHash64(id)',
  },
];
