// Whether a report may compare a dataset with the previous period: only when the previous period's
// data covers enough of it. A week with 3 hours of data is no baseline for "traffic up 22.9%".
import { METRICS } from './metrics.js';
import type { ReportInput } from './tables.js';

/**
 * The previous period must hold data in at least this share of the hours the current one has data
 * in (so a partial current period compares with a full previous one, never the other way round).
 */
export const COMPARABLE_SHARE = 0.75;

const PERIOD_WORD = { daily: 'day', weekly: 'week', monthly: 'month' } as const;

/** Hours with data of `dataset`: in the current period up to `until`, and in the previous period. */
export function coveredHours(input: Pick<ReportInput, 'ingest' | 'previousCoveredHours' | 'range'>, dataset: string, until: number): { current: number; previous: number } {
  const row = input.ingest.find((r) => r.dataset === dataset);
  const current = row ? new Set(row.coveredHours.filter((h) => h >= input.range.start && h < until)).size : 0;
  return { current, previous: input.previousCoveredHours[dataset] ?? 0 };
}

/**
 * Why `dataset` is not compared with the previous period, e.g. "previous week: 3 h of data, this
 * week: 168 h"; null when it is.
 */
export function notComparedReason(input: Pick<ReportInput, 'ingest' | 'previousCoveredHours' | 'range' | 'period'>, dataset: string, until: number): string | null {
  const hours = coveredHours(input, dataset, until);
  if (hours.previous >= COMPARABLE_SHARE * hours.current) return null;
  const word = PERIOD_WORD[input.period];
  return `previous ${word}: ${hours.previous} h of data, this ${word}: ${hours.current} h`;
}

/** The words every format shows where a comparison was left out. */
export function notComparedText(reason: string): string {
  return `not compared with the previous period (${reason})`;
}

/** The metrics a report compares with the previous period. */
export const COMPARED_METRICS = [METRICS.rate, METRICS.errors, METRICS.p95, METRICS.p99] as const;

/** Why each compared metric is left out of the comparison; a metric that is compared is absent. */
export function notCompared(input: Pick<ReportInput, 'ingest' | 'previousCoveredHours' | 'range' | 'period'>, until: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const metric of COMPARED_METRICS) {
    const reason = notComparedReason(input, metric, until);
    if (reason !== null) out.set(metric, reason);
  }
  return out;
}
