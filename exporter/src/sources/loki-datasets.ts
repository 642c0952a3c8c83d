// The datasets Sextant takes from Loki unless told otherwise: log lines, and error-level log lines,
// per service and level. Labels are renamed to `service` and `level` so that log, trace and metric
// datasets of one service line up in the BI views whatever the streams call them.
import type { DatasetDefinition } from './metrics-source.js';

export interface LokiStreams {
  /** Stream selector, e.g. `{service_name=~".+"}`. */
  selector: string;
  /** Stages between selector and counting, e.g. `|= "checkout"` or `| json`; empty for none. */
  pipeline: string;
  /** Label that names the service in the streams (Loki 3 derives `service_name`). */
  serviceLabel: string;
  /** Label that holds the log level (a stream label, structured metadata or a parsed field). */
  levelLabel: string;
  /** Levels counted as errors, matched case-insensitively. */
  errorLevels: string[];
}

export const defaultLokiStreams: LokiStreams = {
  selector: '{service_name=~".+"}',
  pipeline: '',
  serviceLabel: 'service_name',
  levelLabel: 'level',
  errorLevels: ['error', 'err', 'fatal', 'critical', 'crit', 'panic', 'emergency', 'alert'],
};

export const lokiDatasetNames = { lines: 'log_lines', errorLines: 'log_error_lines' } as const;

export function lokiDefaultDatasets(tenant: string, streams: LokiStreams, stepMs = 60_000): DatasetDefinition[] {
  const window = logqlDuration(stepMs);
  const renames = [
    ...(streams.serviceLabel === 'service' ? [] : [`service=${streams.serviceLabel}`]),
    ...(streams.levelLabel === 'level' ? [] : [`level=${streams.levelLabel}`]),
  ];
  const stages = [
    streams.pipeline.trim(),
    renames.length > 0 ? `| label_format ${renames.join(', ')}` : '',
  ].filter((stage) => stage !== '');
  const errorFilter = `| level=~"(?i)${streams.errorLevels.map(escapeRegexInLogqlString).join('|')}"`;
  const count = (extra: string[]): string =>
    `sum by (service, level) (count_over_time(${[streams.selector, ...stages, ...extra].join(' ')} [${window}]))`;
  const keepLabels = ['service', 'level'];
  return [
    { name: lokiDatasetNames.lines, tenant, query: count([]), keepLabels, stepMs },
    { name: lokiDatasetNames.errorLines, tenant, query: count([errorFilter]), keepLabels, stepMs },
  ];
}

/** A LogQL duration for a step: `1m`, `30s`, `1h`, or milliseconds when nothing shorter is exact. */
export function logqlDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A literal inside a regex inside a double-quoted LogQL string: escaped for both. */
function escapeRegexInLogqlString(literal: string): string {
  const regex = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return regex.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
