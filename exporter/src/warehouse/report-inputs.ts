// What a report reads from the warehouse: every table of the core's ReportInput for one tenant and
// period. duckdb-report-inputs.ts implements it.
import type { TimeRange } from '@sextant/core/model';
import type { ReportInput, ReportPeriod } from '@sextant/core/reports';

export interface ReportSettings {
  objectives: Record<string, number>;
  defaultObjective: number;
  capacityThreshold: number;
}

export interface ReportInputs {
  read(tenant: string, period: ReportPeriod, range: TimeRange, settings: ReportSettings, generatedAt: number): Promise<ReportInput>;
}
