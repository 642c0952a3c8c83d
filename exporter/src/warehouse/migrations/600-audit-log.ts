import type { Migration } from './migration.js';

// The audit log: one row per state-changing request (or scheduled report), per tenant. Append-only.
export const auditLog: Migration = {
  version: 600,
  name: 'audit: who changed what, when, with what result',
  up: [
    `CREATE SEQUENCE audit_log_id START 1`,
    `CREATE TABLE audit_log (
       id BIGINT NOT NULL DEFAULT nextval('audit_log_id'),  -- increasing: the paging cursor
       tenant VARCHAR NOT NULL,
       at_ms BIGINT NOT NULL,
       token_name VARCHAR NOT NULL,      -- the API token's name, or "schedule" for the service's own runs
       role VARCHAR NOT NULL,            -- the token's role (viewer | editor | admin | schedule)
       action VARCHAR NOT NULL,          -- e.g. recommendation.apply, backfill.start, report.generate
       target VARCHAR,                   -- what it acted on: a recommendation, backfill or report id
       request VARCHAR NOT NULL,         -- method and path, e.g. POST /api/v1/backfill
       detail VARCHAR,                   -- the request body (JSON), cut at 2000 characters
       status INTEGER NOT NULL,          -- the HTTP status answered
       result VARCHAR NOT NULL,          -- ok | denied | refused | failed
       error VARCHAR,                    -- the error answered, if any
       PRIMARY KEY (id))`,
  ],
};
