// The `alerts` section of sextant.yaml: the Alertmanager webhook, reconciliation polling, analytics.
import { DEFAULT_ANALYSIS_OPTIONS } from '@sextant/core/alerts';
import { z } from 'zod';

export const alertsSectionSchema = z
  .strictObject({
    webhook: z
      .strictObject({
        /** Alerts in one webhook request; Alertmanager's max_alerts should not exceed it. */
        maxAlertsPerRequest: z.number().int().min(1).max(100_000).default(1000),
      })
      .prefault({}),
    /** Poll this Alertmanager for silenced, inhibited and missed alerts; leave out to rely on the webhook only. */
    alertmanager: z
      .strictObject({
        url: z.url(),
        /** Tenant the polled alerts belong to (the webhook's tenant is its token's). */
        tenant: z.string().min(1).default('default'),
        intervalMs: z.number().int().min(1000).default(30_000),
        timeoutMs: z.number().int().min(100).default(10_000),
      })
      .optional(),
    analysis: z
      .strictObject({
        flapWindowMs: z.number().int().min(0).default(DEFAULT_ANALYSIS_OPTIONS.flapWindowMs),
        quickResolveMs: z.number().int().min(0).default(DEFAULT_ANALYSIS_OPTIONS.quickResolveMs),
        top: z.number().int().min(1).max(1000).default(DEFAULT_ANALYSIS_OPTIONS.top),
      })
      .prefault({}),
  })
  .prefault({});

export type AlertsSection = z.output<typeof alertsSectionSchema>;
