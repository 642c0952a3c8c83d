import React from 'react';
import { render, screen, within } from '@testing-library/react';
import type { AnomalyEvent } from '../common/types';
import { Explanation } from './Anomalies';

const groupEvent: AnomalyEvent = {
  dataset: 'http_error_ratio',
  labels: { job: 'checkout' },
  start: 0,
  end: 60_000,
  peakScore: 0.999,
  peakAt: 0,
  severity: 'critical',
  detector: 'isolation-forest',
  value: 0.9,
  expected: 0.4,
  lower: 0.3,
  upper: 0.5,
  deviation: 12,
  text: 'isolation-forest: an unusual combination of the group\'s members, most deviant … (the service\'s words)',
  evidence: {
    members: [
      { index: 2, deviation: 6.04, name: 'http_error_ratio{job="checkout"}' },
      { index: 0, deviation: -4.5, name: 'http_request_duration_p95_seconds{job="checkout"}' },
      { index: 1, deviation: 3.1 },
      { index: 5, deviation: 3.0, name: 'http_requests_per_second{job="checkout"}' },
    ],
  },
};

describe('Explanation', () => {
  it('lists the three members a group event blames most, each with its deviation, and counts the rest', () => {
    render(<Explanation event={groupEvent} />);
    expect(screen.getByTestId('explanation-text').textContent).toBe(
      "isolation-forest: an unusual combination of the group's members; 0.9 is 12.0 σ above the expected 0.4 (band 0.3 – 0.5)",
    );
    const items = within(screen.getByRole('list', { name: 'Members that departed most' })).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual([
      '+6.0 σhttp_error_ratio{job="checkout"}',
      '−4.5 σhttp_request_duration_p95_seconds{job="checkout"}',
      '+3.1 σmember 1',
      'and 1 more',
    ]);
  });

  it("shows the service's words alone when no member is blamed", () => {
    const text = 'drift: over about the last 50 min (50 points) the values ran on average +0.02313 above their expected value, 8.5 σ for such a mean (a slow departure no single point shows); now 0.6629 is 0.7 σ below the expected 0.6824 (band 0.6 – 0.75)';
    render(<Explanation event={{ ...groupEvent, detector: 'drift', text, evidence: { driftMean: 0.02313, driftSigmas: 8.5, driftPoints: 50, driftMs: 3_000_000 } }} />);
    expect(screen.getByTestId('explanation-text').textContent).toBe(text);
    expect(screen.queryByRole('list')).toBeNull();
  });
});
