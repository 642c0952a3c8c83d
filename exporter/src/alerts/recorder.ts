// The one path by which alert observations reach the history (webhook, reconciliation, demo): group
// commits over AlertStore.record, counting the state changes written and watching the intake log.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertObservation, AlertStore } from '../warehouse/alert-store.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';

export function createAlertRecorder(deps: { store: AlertStore; registry: Registry }): GroupCommit<AlertObservation> {
  const changes = new Counter({
    name: 'sextant_alert_state_changes_total',
    help: 'Alert state changes written to the history.',
    registers: [deps.registry],
  });
  new Gauge({
    name: 'sextant_alert_intake_unloaded_bytes',
    help: 'Acknowledged alert state changes in the intake log not yet loaded into the warehouse (loaded about every second; growth means loads fail).',
    registers: [deps.registry],
    collect() {
      this.set(deps.store.unloadedBytes);
    },
  });
  new Counter({
    name: 'sextant_alert_intake_rejected_lines_total',
    help: 'Lines of the alert intake log that held no loadable state change (corrupted by hand or by the disk), set aside in its rejected/ folder.',
    registers: [deps.registry],
    collect() {
      this.reset();
      this.inc(deps.store.rejectedLines);
    },
  });
  return createGroupCommit<AlertObservation>(async (items) => {
    changes.inc(await deps.store.record(items));
  });
}
