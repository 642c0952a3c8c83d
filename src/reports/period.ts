// Report periods: UTC calendar days, ISO weeks (Monday first) and calendar months.
import type { TimeRange } from '../model/index.js';

export type ReportPeriod = 'daily' | 'weekly' | 'monthly';
export const REPORT_PERIODS: readonly ReportPeriod[] = ['daily', 'weekly', 'monthly'];

const DAY_MS = 86_400_000;

function startOfDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** Start of the period that contains `t`. */
export function periodStart(period: ReportPeriod, t: number): number {
  const day = startOfDay(t);
  if (period === 'daily') return day;
  if (period === 'weekly') return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  const d = new Date(day);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The period that starts at the period start containing `from`. */
export function periodRange(period: ReportPeriod, from: number): TimeRange {
  const start = periodStart(period, from);
  if (period === 'daily') return { start, end: start + DAY_MS };
  if (period === 'weekly') return { start, end: start + 7 * DAY_MS };
  const d = new Date(start);
  return { start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** The last complete period before `now` (what a scheduled report covers). */
export function lastCompletePeriod(period: ReportPeriod, now: number): TimeRange {
  return periodRange(period, periodStart(period, now) - 1);
}

/** The period just before `range`, for trends. */
export function previousPeriod(period: ReportPeriod, range: TimeRange): TimeRange {
  return periodRange(period, range.start - 1);
}

/**
 * Where a report stops counting: the period's end, or when the report is made if the period is not
 * over yet (nothing in the future counts).
 */
export function countedUntil(input: { range: TimeRange; generatedAt: number }): number {
  return Math.max(input.range.start, Math.min(input.range.end, input.generatedAt));
}
