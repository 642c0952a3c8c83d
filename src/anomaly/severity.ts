/** Severity as consoles show it, from how far a point is from its expected value (in robust sigmas). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** |z| below 4 low, below 6 medium, below 10 high, else critical. */
export function severityOf(deviation: number): Severity {
  const d = Math.abs(deviation);
  if (!(d < 10)) return 'critical';
  if (d >= 6) return 'high';
  if (d >= 4) return 'medium';
  return 'low';
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
