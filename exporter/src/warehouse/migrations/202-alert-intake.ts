import type { Migration } from './migration.js';

// The alert intake log (alert-intake.ts) moves each segment file into alert_events in one
// transaction that also records the segment's id here, so that after a crash a segment is loaded
// exactly once: loaded again if its id is above loaded_through, deleted otherwise.
export const alertIntake: Migration = {
  version: 202,
  name: 'alert history: the last intake segment loaded into alert_events',
  up: ['CREATE TABLE alert_intake (loaded_through BIGINT NOT NULL)', 'INSERT INTO alert_intake VALUES (0)'],
};
