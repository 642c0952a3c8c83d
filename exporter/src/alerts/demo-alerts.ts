// The demo scenario's alerts, recorded into the history the way the webhook would record them: each
// run writes the firings and resolutions of the incidents up to now; re-running changes nothing.
import { demoAlerts } from '@sextant/core/alerts';
import { scenario } from '@sextant/core/demo';
import type { Job } from '../jobs/job.js';
import type { AlertObservation } from '../warehouse/alert-store.js';
import type { GroupCommit } from './group-commit.js';

export interface DemoAlertsDeps {
  recorder: GroupCommit<AlertObservation>;
  tenant: string;
  seed: number;
  now: () => number;
  /** How far back the first run fills in. */
  lookbackMs: number;
  intervalMs: number;
}

export function demoAlertObservations(seed: number, tenant: string, fromMs: number, now: number): AlertObservation[] {
  const observations: AlertObservation[] = [];
  for (const a of demoAlerts(scenario(seed).incidents({ start: fromMs, end: now }))) {
    if (a.startsAtMs > now) continue;
    const base = { tenant, fingerprint: a.fingerprint, startsAtMs: a.startsAtMs, labels: a.labels, annotations: a.annotations, generatorUrl: '', receiver: 'demo', suppressedBy: [], source: 'demo' as const };
    observations.push({ ...base, state: 'firing', endsAtMs: null });
    if (a.endsAtMs <= now) observations.push({ ...base, state: 'resolved', endsAtMs: a.endsAtMs });
  }
  return observations;
}

export function createDemoAlertsJob(deps: DemoAlertsDeps): Job {
  return {
    name: 'demo-alerts',
    intervalMs: deps.intervalMs,
    async run(signal) {
      const now = deps.now();
      const observations = demoAlertObservations(deps.seed, deps.tenant, now - deps.lookbackMs, now);
      if (!signal.aborted) await deps.recorder.submit(observations);
    },
  };
}
