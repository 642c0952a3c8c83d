import { explanationBesideMembers, formatDeviation } from './format';
import type { AnomalyEvent } from './types';

const event = (detector: string, value: number, expected: number, deviation: number, text: string, evidence?: AnomalyEvent['evidence']): AnomalyEvent => ({
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
  text,
  ...(evidence ? { evidence } : {}),
});

describe('explanationBesideMembers', () => {
  it("is the service's text when the detector blames no members", () => {
    const text = 'level-shift: the level moved from 0.4 to 0.9 (+0.5); 0.91 is 2.0 σ above the expected 0.9 (band 0.3 – 0.5)';
    expect(explanationBesideMembers(event('level-shift', 0.91, 0.9, 2, text, { levelFrom: 0.4, levelTo: 0.9 }))).toBe(text);
  });

  it("leaves a group event's members out of the words, since the page lists them apart", () => {
    const members = [
      { index: 2, deviation: 6.04, name: 'http_error_ratio{job="checkout"}' },
      { index: 0, deviation: -4.5, name: 'http_request_duration_p95_seconds{job="checkout"}' },
    ];
    const text = `isolation-forest: an unusual combination of the group's members, most deviant http_error_ratio{job="checkout"} +6.0 σ, http_request_duration_p95_seconds{job="checkout"} −4.5 σ; this series: 0.9 is 12.0 σ above the expected 0.4 (band 0.3 – 0.5)`;
    expect(explanationBesideMembers(event('isolation-forest', 0.9, 0.4, 12, text, { members }))).toBe(
      "isolation-forest: an unusual combination of the group's members; 0.9 is 12.0 σ above the expected 0.4 (band 0.3 – 0.5)",
    );
  });
});

describe('formatDeviation', () => {
  it('signs the deviation with a real minus and one decimal, as the service words it', () => {
    expect([formatDeviation(6.04), formatDeviation(-4.55), formatDeviation(0)]).toEqual(['+6.0 σ', '−4.5 σ', '+0.0 σ']);
  });
});
