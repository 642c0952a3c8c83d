import { Counter, Histogram, type Registry } from 'prom-client';

export interface ReportMetrics {
  runs: Counter<'period' | 'format' | 'outcome'>;
  duration: Histogram<'period' | 'format'>;
}

/** The report metrics on `registry`, created on first use (the API and the schedule share them). */
export function reportMetricsOn(registry: Registry): ReportMetrics {
  const runs = registry.getSingleMetric('sextant_report_runs_total');
  const duration = registry.getSingleMetric('sextant_report_duration_seconds');
  if (runs && duration) return { runs: runs as ReportMetrics['runs'], duration: duration as ReportMetrics['duration'] };
  return {
    runs: new Counter({ name: 'sextant_report_runs_total', help: 'Reports generated, by period, format and outcome (ok or error).', labelNames: ['period', 'format', 'outcome'], registers: [registry] }),
    duration: new Histogram({
      name: 'sextant_report_duration_seconds',
      help: 'Time to generate one report, from the warehouse queries to the written file.',
      labelNames: ['period', 'format'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
