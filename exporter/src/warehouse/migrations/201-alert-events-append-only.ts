import type { Migration } from './migration.js';

// The alert history becomes append-only: its PRIMARY KEY was an ART index that every webhook commit
// had to maintain and check, and it cost most of each commit's time. The store dedupes instead (an
// in-memory cache of instance states, and a lookup in the table for instances the cache may have
// forgotten; see alert-store.ts). DuckDB cannot drop a constraint, so the table is rebuilt: same
// columns and NOT NULLs, without the key. The alert_instances view binds by name and keeps working.
const NOT_NULL = [
  'tenant', 'fingerprint', 'starts_at_ms', 'seq', 'state', 'observed_at_ms', 'source', 'alertname',
  'service', 'severity', 'labels', 'annotations', 'generator_url', 'receiver', 'suppressed_by',
];

export const alertEventsAppendOnly: Migration = {
  version: 201,
  name: 'alert history: append-only alert_events (no primary key; the store dedupes)',
  up: [
    'CREATE TABLE alert_events_append_only AS SELECT * FROM alert_events ORDER BY tenant, starts_at_ms, fingerprint, seq',
    'DROP TABLE alert_events',
    'ALTER TABLE alert_events_append_only RENAME TO alert_events',
    ...NOT_NULL.map((column) => `ALTER TABLE alert_events ALTER COLUMN ${column} SET NOT NULL`),
  ],
};
