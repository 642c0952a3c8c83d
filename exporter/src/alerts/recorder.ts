// The one path by which alert observations reach the history (webhook, reconciliation, demo): group
// commits over AlertStore.record, counting the state changes written.
import { Counter, type Registry } from 'prom-client';
import type { AlertObservation, AlertStore } from '../warehouse/alert-store.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';

export function createAlertRecorder(deps: { store: AlertStore; registry: Registry }): GroupCommit<AlertObservation> {
  const changes = new Counter({
    name: 'sextant_alert_state_changes_total',
    help: 'Alert state changes written to the history.',
    registers: [deps.registry],
  });
  return createGroupCommit<AlertObservation>(async (items) => {
    changes.inc(await deps.store.record(items));
  });
}
