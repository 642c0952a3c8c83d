import type { Migration } from './migration.js';

// Times are BIGINT Unix milliseconds (UTC).
export const recommendations: Migration = {
  version: 301,
  name: 'recommendations, action outcomes, feedback, approvals and action audit',
  up: [
    `CREATE TABLE recommendations (
       tenant VARCHAR NOT NULL,
       id VARCHAR NOT NULL,
       key VARCHAR NOT NULL,             -- same finding, same key
       kind VARCHAR NOT NULL,
       entity VARCHAR NOT NULL,
       action VARCHAR NOT NULL,
       context VARCHAR NOT NULL,
       severity VARCHAR NOT NULL,
       priority INTEGER NOT NULL,
       title VARCHAR NOT NULL,
       explanation VARCHAR NOT NULL,
       evidence VARCHAR NOT NULL,        -- JSON array of {name, value, unit}
       runbook_url VARCHAR,
       webhook VARCHAR,                  -- JSON {url, method, rollbackUrl} or NULL
       verify_within_ms BIGINT NOT NULL,
       status VARCHAR NOT NULL,          -- open | applied | dismissed | expired
       created_at_ms BIGINT NOT NULL,
       updated_at_ms BIGINT NOT NULL,
       applied_at_ms BIGINT,
       outcome VARCHAR,                  -- success | failure, once verified after apply
       outcome_at_ms BIGINT,
       PRIMARY KEY (tenant, id))`,
    // The Beta posterior's evidence per (action, context): outcomes and feedback.
    `CREATE TABLE action_records (
       tenant VARCHAR NOT NULL,
       action VARCHAR NOT NULL,
       context VARCHAR NOT NULL,
       successes BIGINT NOT NULL,
       failures BIGINT NOT NULL,
       PRIMARY KEY (tenant, action, context))`,
    `CREATE TABLE recommendation_feedback (
       tenant VARCHAR NOT NULL,
       recommendation_id VARCHAR NOT NULL,
       at_ms BIGINT NOT NULL,
       helpful BOOLEAN NOT NULL,
       comment VARCHAR,
       token_name VARCHAR NOT NULL)`,
    // seq keeps the order of steps written in the same millisecond.
    `CREATE SEQUENCE action_audit_seq`,
    `CREATE TABLE action_audit (
       seq BIGINT NOT NULL DEFAULT nextval('action_audit_seq'),
       tenant VARCHAR NOT NULL,
       recommendation_id VARCHAR NOT NULL,
       at_ms BIGINT NOT NULL,
       step VARCHAR NOT NULL,            -- requested | approved | dry-run | executed | failed | refused | rolled-back
       detail VARCHAR NOT NULL,
       token_name VARCHAR NOT NULL)`,
  ],
};
