import { FieldType, toDataFrame } from '@grafana/data';
import { anomalyFrame } from '../../datasource/frames';
import { panelSeries } from './series';

const T = [1_000, 2_000, 3_000, 4_000];

/** One frame per series, as Grafana's Prometheus data source returns a range query. */
function promFrame(name: string, labels: Record<string, string>, values: number[]) {
  return toDataFrame({
    name: `${name}{...}`,
    fields: [
      { name: 'Time', type: FieldType.time, values: T },
      { name: 'Value', type: FieldType.number, values, labels: { __name__: name, ...labels } },
    ],
  });
}

describe('panelSeries on Prometheus data', () => {
  const input = { job: 'api', instance: 'a:1' };
  const detector = { ...input, sextant_detector: 'ensemble' };
  const frames = [
    promFrame('http_latency_seconds', input, [1, 1.1, 9, 1]),
    promFrame('sextant_anomaly_upper_band', detector, [1.5, 1.5, 1.5, 1.5]),
    promFrame('sextant_anomaly_lower_band', detector, [0.5, 0.5, 0.5, 0.5]),
    promFrame('sextant_anomaly_score', detector, [0.1, 0.2, 0.99, 0.3]),
    // Another series without bands must not borrow this one's.
    promFrame('http_latency_seconds', { job: 'web', instance: 'b:1' }, [2, 2, 2, 2]),
  ];

  it('pairs each series with the band and score of the same labels', () => {
    const [api, web] = panelSeries(frames);
    expect(api!.points.map((p) => [p.v, p.lower, p.upper])).toEqual([
      [1, 0.5, 1.5],
      [1.1, 0.5, 1.5],
      [9, 0.5, 1.5],
      [1, 0.5, 1.5],
    ]);
    expect(web!.points.every((p) => p.upper === undefined && p.lower === undefined)).toBe(true);
    expect(web!.marks).toEqual([]);
  });

  it('marks points whose score reaches the alarm level, with the severity of their score', () => {
    const [api] = panelSeries(frames);
    // score 0.99 >= 0.95: critical.
    expect(api!.marks).toEqual([{ t: 3_000, v: 9, score: 0.99, severity: 'critical' }]);
  });
});

describe('panelSeries on the anomaly: recording rules of promql-anomaly-detection', () => {
  it('draws anomaly:level as the series, inside its anomaly: bands', () => {
    const labels = { job: 'node', anomaly_name: 'cpu', anomaly_strategy: 'sextant', anomaly_select: '1' };
    const [series, ...rest] = panelSeries([
      promFrame('anomaly:level', labels, [10, 11, 30, 10]),
      promFrame('anomaly:upper_band', labels, [15, 15, 15, 15]),
      promFrame('anomaly:lower_band', labels, [5, 5, 5, 5]),
    ]);
    expect(rest).toEqual([]);
    expect(series!.points.map((p) => [p.v, p.lower, p.upper])).toEqual([
      [10, 5, 15],
      [11, 5, 15],
      [30, 5, 15],
      [10, 5, 15],
    ]);
  });
});

describe('panelSeries on bands that Prometheus scraped from Sextant', () => {
  // The provisioned overview dashboard: the dataset's own query, and Sextant's gauges of that dataset.
  // Prometheus sets job and instance to Sextant's target and keeps the input's job as exported_job.
  const scraped = (name: string, service: string, values: number[]) =>
    promFrame(name, {
      job: 'sextant',
      instance: 'sextant:9890',
      exported_job: 'demo-workload',
      service,
      sextant_dataset: 'http_requests_per_second',
      sextant_tenant: 'default',
      sextant_detector: 'ensemble',
    }, values);
  const requests = (service: string, values: number[]) =>
    toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: T },
        { name: 'Value', type: FieldType.number, values, labels: { job: 'demo-workload', service } },
      ],
    });
  const frames = [
    requests('checkout', [100, 110, 400, 100]),
    requests('search', [300, 310, 320, 300]),
    scraped('sextant_anomaly_upper_band', 'checkout', [150, 150, 150, 150]),
    scraped('sextant_anomaly_lower_band', 'checkout', [50, 50, 50, 50]),
    scraped('sextant_anomaly_score', 'checkout', [0.1, 0.1, 0.99, 0.1]),
    scraped('sextant_anomaly_upper_band', 'search', [350, 350, 350, 350]),
    scraped('sextant_anomaly_lower_band', 'search', [250, 250, 250, 250]),
  ];

  it('gives each service its own band and marks', () => {
    const [checkout, search] = panelSeries(frames);
    expect(checkout!.points.map((p) => [p.lower, p.upper])).toEqual(T.map(() => [50, 150]));
    expect(search!.points.map((p) => [p.lower, p.upper])).toEqual(T.map(() => [250, 350]));
    expect(checkout!.marks.map((m) => [m.t, m.v])).toEqual([[3_000, 400]]);
    expect(search!.marks).toEqual([]);
  });

  it('does not give a series the band of a service it is not', () => {
    const [, search] = panelSeries(frames.filter((_, i) => i !== 5 && i !== 6));
    expect(search!.points.every((p) => p.upper === undefined && p.lower === undefined)).toBe(true);
  });
});

describe('panelSeries on the Sextant data source', () => {
  it('draws the warehouse series and marks the anomaly events of that series', () => {
    const rollup = toDataFrame({
      name: 'http_requests{job="api"}',
      fields: [
        { name: 'time', type: FieldType.time, values: T },
        { name: 'avg', type: FieldType.number, values: [5, 6, 30, 5], labels: { job: 'api' } },
      ],
    });
    const events = anomalyFrame(
      [
        {
          dataset: 'http_requests',
          labels: { job: 'api' },
          start: 2000,
          end: 4000,
          peakAt: 3000,
          peakScore: 0.97,
          severity: 'high',
          detector: 'seasonal-baseline',
          value: 30,
          expected: 5,
          upper: 9,
          lower: 1,
          deviation: 12.5,
          text: 'seasonal-baseline: far from what this time of day and week usually shows; 30 is 12.5 σ above the expected 5 (band 1 – 9)',
        },
        {
          dataset: 'http_requests',
          labels: { job: 'web' },
          start: 1000,
          end: 3000,
          peakAt: 2000,
          peakScore: 0.9,
          severity: 'low',
          detector: 'seasonal-baseline',
          value: 1,
          expected: 5,
          upper: 9,
          lower: 1,
          deviation: -2.0,
          text: 'seasonal-baseline: far from what this time of day and week usually shows; 1 is 2.0 σ below the expected 5 (band 1 – 9)',
        },
      ],
      'B'
    );
    const other = toDataFrame({
      name: 'http_requests{job="web"}',
      fields: [
        { name: 'time', type: FieldType.time, values: T },
        { name: 'avg', type: FieldType.number, values: [1, 1, 1, 1], labels: { job: 'web' } },
      ],
    });
    const [api, web] = panelSeries([rollup, other, events]);
    expect(api!.points.map((p) => p.v)).toEqual([5, 6, 30, 5]);
    expect(api!.marks).toEqual([{ t: 3_000, v: 30, score: 0.97, severity: 'high' }]);
    expect(web!.marks).toEqual([{ t: 2_000, v: 1, score: 0.9, severity: 'low' }]);
  });
});
