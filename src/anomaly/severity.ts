/**
 * Severity as consoles show it, read off the anomaly score, so it always follows the score. The
 * score is a log-scaled likelihood (0.5: a 1-in-10^5 recent stretch for this series, 0.9: 1 in
 * 10^9), so each severity is a band of rarity: below 0.65 low, below 0.8 medium, below 0.95 high,
 * else critical (a value never seen before, far off, scores 1).
 */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** The lowest score of each severity above low. */
export const SEVERITY_FROM: Readonly<Record<Exclude<Severity, 'low'>, number>> = { medium: 0.65, high: 0.8, critical: 0.95 };

export function severityOf(score: number): Severity {
  if (score >= SEVERITY_FROM.critical) return 'critical';
  if (score >= SEVERITY_FROM.high) return 'high';
  if (score >= SEVERITY_FROM.medium) return 'medium';
  return 'low';
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
