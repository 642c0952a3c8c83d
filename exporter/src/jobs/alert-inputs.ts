// Alertmanager's history (the alert store the webhook fills) as input to prediction and to the
// alert-hygiene analyzer. Service alerts come from the store; host alerts, and everything on a
// deployment without Alertmanager history yet, from the reference rules replayed on the warehouse.
import type { AlertPeriod } from '@sextant/core/predict';
import type { RuleInfo } from '@sextant/core/recommend';
import { forEachInTurns } from '../event-loop.js';
import type { AlertStore } from '../warehouse/alert-store.js';
import { replayedAlertHistory, type AlertHistory } from './predict-inputs.js';
import type { AlertAnalytics } from './recommend.js';

/** Rules are known from the alerts they fired over this time. */
const RULES_LOOKBACK_MS = 30 * 86_400_000;

export function storedAlertAnalytics(store: AlertStore, now: () => number): AlertAnalytics {
  return {
    instances: (tenant, range) => store.overlapping(tenant, range.start, range.end),
    async rules(tenant): Promise<RuleInfo[]> {
      const rules = await store.rules(tenant, now() - RULES_LOOKBACK_MS, now() + 1);
      // The store knows whether a runbook_url annotation was there, not its value.
      return rules.map(({ alertname, hasRunbook }) => ({ alertname, ...(hasRunbook ? { runbookUrl: 'annotated' } : {}) }));
    },
  };
}

export function storedAlertHistory(store: AlertStore, replayed: AlertHistory = replayedAlertHistory()): AlertHistory {
  return {
    async periods(tenant, range, series) {
      const { names, service, alertname, severity, startsAt, endsAt } = await store.overlapping(tenant, range.start, range.end);
      // In the store's order (by start), as the replayed periods are: the sort merges two sorted runs.
      const stored: AlertPeriod[] = [];
      await forEachInTurns(startsAt.length, (i) => {
        const entity = names[service[i]!]!;
        if (entity === '' || entity === 'node') return;
        const end = endsAt[i]!;
        stored.push({ entity, alertname: names[alertname[i]!]!, severity: names[severity[i]!]!, startsAt: startsAt[i]!, ...(Number.isNaN(end) ? {} : { endsAt: end }) });
      });
      return stored.concat(await replayed.periods(tenant, range, series)).sort((a, b) => a.startsAt - b.startsAt);
    },
  };
}
