import type { Migration } from './migration.js';

// What the detector that fired found (AnomalyEvent.evidence), as JSON beside each anomaly event, so
// an event read back says what it said when scored. Events stored before keep NULL: no evidence.
export const anomalyEvidence: Migration = {
  version: 101,
  name: 'anomaly events: the evidence of the detector that fired, as JSON',
  up: ['ALTER TABLE anomaly_events ADD COLUMN evidence VARCHAR'],
};
