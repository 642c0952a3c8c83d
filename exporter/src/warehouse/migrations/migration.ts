/**
 * One schema change. Versions are unique across the whole service; each area owns a range
 * (warehouse 1-99, anomaly 100-199, alerts/rules 200-299, predict/recommend 300-399,
 * stack 400-499, reports 500-599, audit 600-699) so migrations written in parallel never clash.
 */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in order, in one transaction with the bookkeeping row. */
  up: string[];
}
