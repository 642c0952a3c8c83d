import type { AlertRow } from './tables.js';

/**
 * The alerts resolved by `until`, the end of what a report counts: one resolved later (after the
 * period, for a report made afterwards) was still firing at the period's end.
 */
export function resolvedBy(alerts: readonly AlertRow[], until: number): AlertRow[] {
  return alerts.filter((a) => a.endsAt !== undefined && a.endsAt <= until);
}
