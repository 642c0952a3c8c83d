import { DAILY, fitSeasonal, forecastAt, predictLinear, timeToThreshold, valueAt, type SeasonalFit } from '../forecast/index.js';
import type { Sample } from '../model/index.js';
import { formatDuration, percent, round } from './format.js';
import type { Candidate } from './types.js';

export interface CapacityOptions {
  /** Recommend when the resource is forecast to be full within this time. */
  leadMs: number;
  /** History the daily profile is fitted on. */
  lookbackMs: number;
  /** Recent history the growth trend is fitted on. */
  trendWindowMs: number;
  /** Residual deviations added to the forecast, to err early. */
  margin: number;
  /** The `predict_linear(x[range], horizon) >= 1` alert this recommendation should precede. */
  predictLinearRangeMs: number;
  predictLinearHorizonMs: number;
  verifyWithinMs: number;
}

export const DEFAULT_CAPACITY_OPTIONS: CapacityOptions = {
  leadMs: 24 * 3_600_000,
  lookbackMs: 7 * 24 * 3_600_000,
  trendWindowMs: 12 * 3_600_000,
  margin: 1,
  predictLinearRangeMs: 6 * 3_600_000,
  predictLinearHorizonMs: 4 * 3_600_000,
  verifyWithinMs: 6 * 3_600_000,
};

/** Usage ratio (0..1) of one exhaustible resource of one entity. */
export interface CapacitySeries {
  entity: string;
  resource: 'disk' | 'memory';
  usage: readonly Sample[];
}

/**
 * Time to exhaustion from a trend + daily-profile forecast of the usage ratio. Recommends once the
 * forecast reaches 100 % within `leadMs`, which is longer than the predict_linear alert's horizon, so
 * the recommendation comes first; the explanation says whether that alert fires already.
 */
export function analyzeCapacity(
  series: readonly CapacitySeries[],
  now: number,
  overrides: Partial<CapacityOptions> = {},
): Candidate[] {
  const o = { ...DEFAULT_CAPACITY_OPTIONS, ...overrides };
  const out: Candidate[] = [];
  for (const s of series) {
    const history = s.usage.filter((p) => p.t > now - o.lookbackMs && p.t <= now);
    const fitted = fitSeasonal(history, { ...DAILY, trendWindowMs: o.trendWindowMs });
    if (!fitted || fitted.trend.slopePerMs <= 0) continue;
    const fit = anchoredAtLatest(fitted, history);
    const crossing = timeToThreshold(fit, now, { threshold: 1, maxHorizonMs: o.leadMs, stepMs: 5 * 60_000, margin: o.margin });
    if (!crossing) continue;
    const current = history[history.length - 1]!.v;

    const linear = predictLinear(history, now, o.predictLinearRangeMs, o.predictLinearHorizonMs);
    const alertFiring = linear !== undefined && linear >= 1;
    const growthPerHour = fit.trend.slopePerMs * 3_600_000;
    out.push({
      key: `capacity:${s.resource}:${s.entity}`,
      kind: 'capacity',
      entity: s.entity,
      action: s.resource === 'disk' ? 'expand-disk' : 'add-memory',
      context: s.resource,
      severity: crossing.etaMs <= o.predictLinearHorizonMs ? 'critical' : 'warning',
      priority: Math.round(100 - (50 * crossing.etaMs) / o.leadMs),
      title: `${s.resource} of ${s.entity} full in about ${formatDuration(crossing.etaMs)}`,
      explanation:
        `${s.resource} use is ${percent(current)} and grew ${percent(growthPerHour)} per hour over the last ` +
        `${formatDuration(o.trendWindowMs)}; with the daily profile it reaches 100 % in ${formatDuration(crossing.etaMs)}. The predict_linear alert ` +
        (alertFiring ? 'already fires.' : `(${formatDuration(o.predictLinearHorizonMs)} ahead) does not fire yet.`),
      evidence: [
        { name: 'usage', value: round(current, 4), unit: 'ratio' },
        { name: 'growth per hour', value: round(growthPerHour, 5), unit: 'ratio' },
        { name: 'time to exhaustion', value: Math.round(crossing.etaMs / 1000), unit: 's' },
        { name: 'exhaustion at', value: new Date(crossing.at).toISOString() },
        { name: 'predict_linear alert firing', value: alertFiring ? 'yes' : 'no' },
      ],
      verifyWithinMs: o.verifyWithinMs,
    });
  }
  return out;
}

/**
 * The growth line moved to pass through the latest level (mean of the last three points, without their
 * daily offset): what matters is how far the resource is from full now, and a cleanup a few minutes
 * ago must count at once, not after the regression forgets the fill.
 */
function anchoredAtLatest(fit: SeasonalFit, history: readonly Sample[]): SeasonalFit {
  const last = history.slice(-3);
  const t = history[history.length - 1]!.t;
  const level = last.reduce((a, p) => a + p.v - (forecastAt(fit, p.t) - valueAt(fit.trend, p.t)), 0) / last.length;
  return { ...fit, trend: { ...fit.trend, origin: t, intercept: level } };
}
