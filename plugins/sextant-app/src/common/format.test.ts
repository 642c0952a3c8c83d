import { describeAnomaly } from './format';
import type { AnomalyEvent } from './types';

const event = (detector: string, value: number, expected: number, deviation: number): AnomalyEvent => ({
  dataset: 'node_cpu_utilisation_ratio',
  labels: { instance: 'node-4:9100' },
  start: 0,
  end: 0,
  peakScore: 0.99,
  peakAt: 0,
  severity: 'critical',
  detector,
  value,
  expected,
  lower: 0.3,
  upper: 0.5,
  deviation,
});

describe('describeAnomaly', () => {
  it('says what a drift is before the point, which sits near its expected value', () => {
    expect(describeAnomaly(event('drift', 0.41, 0.4, 0.2))).toBe(
      'drift: a slow departure, the values running to one side of their expected value for many points in a row (no single point shows it); 0.41 is 0.2 σ above the expected 0.4 (band 0.3 – 0.5)',
    );
  });

  it('names the detector and the point for a point alarm', () => {
    expect(describeAnomaly(event('robust-level', 0.9, 0.4, 12))).toBe('robust-level: far from the recent level; 0.9 is 12.0 σ above the expected 0.4 (band 0.3 – 0.5)');
  });
});
