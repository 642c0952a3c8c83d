import { DEMO_METRICS, scenario } from '../demo/index.js';
import type { Series, TimeRange } from '../model/index.js';
import type { AlertPeriod } from './alerts.js';
import { DEFAULT_REPLAYED_RULES, entityHistories, replayThresholdRules } from './entities.js';
import type { EntityHistory } from './features.js';

/**
 * The demo scenario of one seed as the predictor sees it in the service: 5-minute rollups (`up` from
 * 1-minute points with min, so a 3-minute outage still shows; the other metrics sampled every 5
 * minutes, which is what their average is for these smooth signals and five times cheaper to
 * generate), entity histories, and the critical alerts the reference rules fire on those rollups.
 */
export interface DemoInputs {
  series: Record<string, Series[]>;
  histories: EntityHistory[];
  alerts: AlertPeriod[];
}

const BUCKET_MS = 5 * 60_000;

export function rollup(series: Series, measure: 'avg' | 'min', bucketMs = BUCKET_MS): Series {
  const buckets = new Map<number, { sum: number; n: number; min: number }>();
  for (const p of series.samples) {
    const b = Math.floor(p.t / bucketMs) * bucketMs;
    const acc = buckets.get(b) ?? { sum: 0, n: 0, min: Infinity };
    acc.sum += p.v;
    acc.n += 1;
    acc.min = Math.min(acc.min, p.v);
    buckets.set(b, acc);
  }
  const samples = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, acc]) => ({ t, v: measure === 'min' ? acc.min : acc.sum / acc.n }));
  return { labels: series.labels, samples };
}

export function demoInputs(seed: number, range: TimeRange): DemoInputs {
  const demo = scenario(seed);
  const series: Record<string, Series[]> = {};
  for (const metric of DEMO_METRICS) {
    series[metric] = metric === 'up' ? demo.series(metric, range, 60_000).map((s) => rollup(s, 'min')) : demo.series(metric, range, BUCKET_MS);
  }
  // The demo's series carry extra labels; the warehouse keeps only the dataset's labels.
  series['http_requests_per_second'] = series['http_requests_per_second']!.map((s) => ({ ...s, labels: { job: s.labels['job'] ?? '', service: s.labels['service'] ?? '' } }));
  return { series, histories: entityHistories(series), alerts: replayThresholdRules(series, DEFAULT_REPLAYED_RULES) };
}
