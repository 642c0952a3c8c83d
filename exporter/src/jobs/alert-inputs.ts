// Alertmanager's history (the alert store the webhook fills) as input to prediction and to the
// alert-hygiene analyzer. Service alerts come from the store; host alerts, and everything on a
// deployment without Alertmanager history yet, from the reference rules replayed on the warehouse.
import { AlertPeriodColumnsBuilder } from '@sextant/core/predict';
import type { RuleInfo } from '@sextant/core/recommend';
import { forEachInTurns } from '../event-loop.js';
import type { AlertStore } from '../warehouse/alert-store.js';
import { replayAlertPeriods, type AlertHistory } from './predict-inputs.js';
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

/**
 * Service alerts from the store, host alerts replayed: both in order of start, merged as the columns
 * are built (a turn of the event loop every 5,000 instances, no object kept per instance).
 */
export function storedAlertHistory(store: AlertStore, replay: typeof replayAlertPeriods = replayAlertPeriods): AlertHistory {
  return {
    async periods(tenant, range, series) {
      const { names, service, alertname, severity, startsAt, endsAt } = await store.overlapping(tenant, range.start, range.end);
      const replayed = await replay(range, series);
      const builder = new AlertPeriodColumnsBuilder();
      let next = 0;
      await forEachInTurns(startsAt.length, (i) => {
        const entity = names[service[i]!]!;
        if (entity === '' || entity === 'node') return;
        // A replayed period starting at the same time as a stored one comes after it.
        while (next < replayed.length && replayed[next]!.startsAt < startsAt[i]!) builder.add(replayed[next++]!);
        const end = endsAt[i]!;
        builder.add({ entity, alertname: names[alertname[i]!]!, severity: names[severity[i]!]!, startsAt: startsAt[i]!, ...(Number.isNaN(end) ? {} : { endsAt: end }) });
      });
      while (next < replayed.length) builder.add(replayed[next++]!);
      return builder.columns();
    },
  };
}
