import type { Migration } from './migration.js';

// Anomaly scoring: each series' detector state (so a restart continues where it stopped) and the
// anomaly events found. Times are BIGINT Unix ms (UTC); every table leads with `tenant`.
export const anomalyTables: Migration = {
  version: 100,
  name: 'anomaly: detector state per series, anomaly events',
  up: [
    `CREATE TABLE anomaly_detector_state (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       series_id BIGINT NOT NULL,
       scored_until_ms BIGINT NOT NULL,   -- timestamp of the last point scored
       state VARCHAR NOT NULL,            -- the detector's Float64Array, base64
       open_event_start_ms BIGINT,        -- the event still open for this series, if any
       last_alarm_ms BIGINT,              -- latest point of that event above the event threshold
       PRIMARY KEY (tenant, dataset, series_id))`,
    // Rows of one scoring run before they replace their series' rows above, in one statement.
    `CREATE TABLE anomaly_state_staging (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       series_id BIGINT NOT NULL,
       scored_until_ms BIGINT NOT NULL,
       state VARCHAR NOT NULL,
       open_event_start_ms BIGINT,
       last_alarm_ms BIGINT)`,
    `CREATE TABLE anomaly_events (
       tenant VARCHAR NOT NULL,
       dataset VARCHAR NOT NULL,
       series_id BIGINT NOT NULL,
       start_ms BIGINT NOT NULL,          -- first point of the event
       end_ms BIGINT NOT NULL,            -- last point above the event threshold
       peak_score DOUBLE NOT NULL,
       peak_ms BIGINT NOT NULL,
       explained_ms BIGINT NOT NULL,      -- the event's most deviant alarm, which explains it:
       explained_score DOUBLE NOT NULL,
       severity VARCHAR NOT NULL,         -- low | medium | high | critical (at that alarm)
       detector VARCHAR NOT NULL,         -- which detector fired there
       value DOUBLE NOT NULL,             -- value, expected value and band there
       expected DOUBLE NOT NULL,
       lower_band DOUBLE NOT NULL,
       upper_band DOUBLE NOT NULL,
       deviation DOUBLE NOT NULL,         -- (value - expected) in robust sigmas
       PRIMARY KEY (tenant, dataset, series_id, start_ms))`,
  ],
};
