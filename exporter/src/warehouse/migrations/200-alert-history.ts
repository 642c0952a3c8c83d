import type { Migration } from './migration.js';

// Alert history: one row per state change of an alert instance (fingerprint + startsAt), whether
// learned from the webhook or from polling Alertmanager. Times are BIGINT Unix ms (UTC).
export const alertHistory: Migration = {
  version: 200,
  name: 'alert history: state changes of every alert, and alert instances for BI',
  up: [
    `CREATE TABLE alert_events (
       tenant VARCHAR NOT NULL,
       fingerprint VARCHAR NOT NULL,     -- Alertmanager's fingerprint of the label set
       starts_at_ms BIGINT NOT NULL,     -- startsAt: with the fingerprint, names one firing
       seq INTEGER NOT NULL,             -- 0, 1, 2...: order of this firing's state changes
       state VARCHAR NOT NULL,           -- firing | silenced | inhibited | resolved
       ends_at_ms BIGINT,                -- endsAt of a resolved alert, else NULL
       observed_at_ms BIGINT NOT NULL,   -- when Sextant recorded the change
       source VARCHAR NOT NULL,          -- webhook | reconcile | demo
       alertname VARCHAR NOT NULL,
       service VARCHAR NOT NULL,         -- label service, else job, else ''
       severity VARCHAR NOT NULL,        -- label severity, else ''
       labels VARCHAR NOT NULL,          -- JSON object
       annotations VARCHAR NOT NULL,     -- JSON object
       generator_url VARCHAR NOT NULL,
       receiver VARCHAR NOT NULL,
       suppressed_by VARCHAR NOT NULL,   -- JSON array: silence ids (silenced) or alert fingerprints (inhibited)
       PRIMARY KEY (tenant, fingerprint, starts_at_ms, seq))`,
    `CREATE VIEW alert_instances AS
       SELECT tenant, fingerprint, starts_at_ms,
              arg_max(alertname, seq) AS alertname,
              arg_max(service, seq) AS service,
              arg_max(severity, seq) AS severity,
              arg_max(state, seq) AS state,
              max(ends_at_ms) FILTER (WHERE state = 'resolved') AS ends_at_ms,
              bool_or(state = 'silenced') AS was_silenced,
              bool_or(state = 'inhibited') AS was_inhibited,
              bool_or(annotations LIKE '%"runbook_url":%' OR annotations LIKE '%"runbook":%') AS has_runbook,
              count(*) AS state_changes
       FROM alert_events
       GROUP BY tenant, fingerprint, starts_at_ms`,
  ],
};
