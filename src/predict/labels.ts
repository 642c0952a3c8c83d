import type { AlertPeriod } from './alerts.js';

export interface LabelOptions {
  /** A window is positive when a counted alert starts within this time after its end. */
  horizonMs: number;
  /** Severities that count as failures. */
  severities: readonly string[];
}

export const DEFAULT_HORIZONS_MS = [30 * 60_000] as const;
export const DEFAULT_SEVERITIES = ['critical'] as const;

export type WindowLabel =
  | { kind: 'positive'; alertStartsAt: number; alertname: string; leadMs: number }
  | { kind: 'negative' }
  /** The window overlaps a counted alert: its features describe the failure itself, not its approach. */
  | { kind: 'excluded' };

/**
 * Label of the feature window [start, end] of one entity, from that entity's alerts sorted by start.
 * Borders: an alert starting exactly at `end` overlaps the window (excluded); one starting exactly at
 * `end + horizon` is inside the horizon (positive); one that ended exactly at `start` does not overlap.
 */
export function labelWindow(
  entityAlerts: readonly AlertPeriod[],
  start: number,
  end: number,
  options: LabelOptions,
): WindowLabel {
  let next: AlertPeriod | undefined;
  for (const alert of entityAlerts) {
    if (!options.severities.includes(alert.severity)) continue;
    const overlaps = alert.startsAt <= end && (alert.endsAt === undefined || alert.endsAt > start);
    if (overlaps) return { kind: 'excluded' };
    if (alert.startsAt > end && alert.startsAt <= end + options.horizonMs) {
      if (!next || alert.startsAt < next.startsAt) next = alert;
    }
  }
  if (!next) return { kind: 'negative' };
  return { kind: 'positive', alertStartsAt: next.startsAt, alertname: next.alertname, leadMs: next.startsAt - end };
}
