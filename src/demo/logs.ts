// The demo's logs: what its services write per second, a pure function of (seed, service, second).
// An access line for 1 request in 100, an error line per failed request, and a warning for 1 in 10
// requests slower than twice the service's usual p95: the error burst shows as error lines, the
// latency regression as warnings, at the minutes the metrics show them.
import { groupBy } from '../collections/index.js';
import type { Series, TimeRange } from '../model/index.js';
import { hashString, uniform } from './random.js';
import { serviceLoad, slowShare, type MinuteLoad } from './requests.js';
import type { DemoScenario, DemoService } from './scenario.js';
import { demoRequestOperations, demoSpans } from './traces.js';

export const DEMO_LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type DemoLogLevel = (typeof DEMO_LOG_LEVELS)[number];

/** Share of requests that leave an access line. */
export const DEMO_ACCESS_LOG_SHARE = 0.01;
/** Share of slow requests that leave a warning. */
export const DEMO_SLOW_LOG_SHARE = 0.1;

export interface DemoLogLine {
  t: number;
  service: string;
  level: DemoLogLevel;
  msg: string;
  /** The trace of a failed request that was traced. */
  traceId?: string;
}

const MINUTE = 60_000;
type Counts = Record<DemoLogLevel, number>;

/**
 * Lines per service and level, one sample per step window stamped at its end (a sample at t counts
 * the lines of [t - step, t), as Loki's count_over_time does), for the window ends in `range`.
 * `levels` limits the levels reported (the error-lines dataset reports only errors).
 */
export function demoLogSeries(world: DemoScenario, range: TimeRange, stepMs: number, levels: readonly DemoLogLevel[] = DEMO_LOG_LEVELS): Series[] {
  const firstEnd = Math.ceil(range.start / stepMs) * stepMs;
  if (firstEnd >= range.end) return [];
  const lastEnd = Math.ceil(range.end / stepMs) * stepMs - stepMs;
  const series: Series[] = [];
  for (const service of world.services) {
    const counts = new Map<DemoLogLevel, Series>(levels.map((level) => [level, { labels: { service: service.name, level }, samples: [] }]));
    const seconds = secondCounts(world, service, { start: firstEnd - stepMs, end: lastEnd });
    for (let end = firstEnd; end <= lastEnd; end += stepMs) {
      const total: Counts = { info: 0, warn: 0, error: 0 };
      for (let s = Math.ceil((end - stepMs) / 1000); s * 1000 < end; s++) {
        const c = seconds.get(s);
        if (c) for (const level of DEMO_LOG_LEVELS) total[level] += c[level];
      }
      for (const [level, entry] of counts) entry.samples.push({ t: end, v: total[level] });
    }
    series.push(...counts.values());
  }
  return series;
}

/** Every line written in `range`, sorted by time. */
export function demoLogLines(world: DemoScenario, range: TimeRange): DemoLogLine[] {
  const failedServerSpans = demoSpans(world, range).filter((span) => span.kind === 'server' && span.error);
  const failedTraces = new Map<string, string[]>();
  for (const [key, spans] of groupBy(failedServerSpans, (span) => `${span.service}/${Math.floor(span.startMs / 1000)}`)) {
    failedTraces.set(key, spans.map((span) => span.traceId));
  }
  const lines: DemoLogLine[] = [];
  for (const service of world.services) {
    const operations = demoRequestOperations(service.name);
    const stream = hashString(`log-line/${service.name}`);
    for (const [second, counts] of secondCounts(world, service, { start: Math.floor(range.start / 1000) * 1000, end: range.end })) {
      const traced = failedTraces.get(`${service.name}/${second}`) ?? [];
      let n = 0;
      for (const level of DEMO_LOG_LEVELS) {
        for (let i = 0; i < counts[level]; i++, n++) {
          const index = second * 65_536 + n * 2;
          const t = second * 1000 + Math.floor(uniform(world.seed, stream, index) * 1000);
          const operation = operations[Math.floor(uniform(world.seed, stream, index + 1) * operations.length)]?.name ?? 'request';
          const traceId = level === 'error' ? traced[i] : undefined;
          lines.push({ t, service: service.name, level, msg: message(level, operation), ...(traceId ? { traceId } : {}) });
        }
      }
    }
  }
  return lines.filter((line) => line.t >= range.start && line.t < range.end).sort((a, b) => a.t - b.t || a.service.localeCompare(b.service));
}

function message(level: DemoLogLevel, operation: string): string {
  if (level === 'error') return `${operation} failed: 503 from an upstream dependency`;
  if (level === 'warn') return `${operation} was slow`;
  return `${operation} 200`;
}

/** Lines per level for each second whose start is in `range`. */
function secondCounts(world: DemoScenario, service: DemoService, range: TimeRange): Map<number, Counts> {
  const loads = serviceLoad(world, service.name, range);
  const firstMinute = loads[0]?.t ?? 0;
  const streams = Object.fromEntries(DEMO_LOG_LEVELS.map((level) => [level, hashString(`log/${service.name}/${level}`)])) as Record<DemoLogLevel, number>;
  const slowThreshold = 2 * service.p95Seconds;
  const counts = new Map<number, Counts>();
  for (let second = Math.ceil(range.start / 1000); second * 1000 < range.end; second++) {
    const load: MinuteLoad | undefined = loads[Math.floor((second * 1000 - firstMinute) / MINUTE)];
    if (!load) continue;
    const expected: Counts = {
      info: load.requestsPerSecond * DEMO_ACCESS_LOG_SHARE,
      warn: load.requestsPerSecond * slowShare(load.p95Seconds, slowThreshold) * DEMO_SLOW_LOG_SHARE,
      error: load.requestsPerSecond * load.errorRatio,
    };
    // Rounded at random, so that fractions of a line per second add up to the right count per minute.
    const round = (level: DemoLogLevel): number =>
      Math.floor(expected[level]) + (uniform(world.seed, streams[level], second) < expected[level] % 1 ? 1 : 0);
    counts.set(second, { info: round('info'), warn: round('warn'), error: round('error') });
  }
  return counts;
}
