import { alertFrame } from './frames';
import type { AlertEvent } from '../common/types';

const event = (seq: number, state: AlertEvent['state'], endsAtMs: number | null): AlertEvent => ({
  fingerprint: 'f1',
  startsAtMs: 1_000,
  seq,
  state,
  endsAtMs,
  observedAtMs: 1_000 + seq,
  source: 'webhook',
  alertname: 'HighLatency',
  service: 'search',
  severity: 'warning',
  labels: { alertname: 'HighLatency', service: 'search' },
  annotations: { summary: 'search answers slowly' },
  suppressedBy: state === 'silenced' ? ['silence-1'] : [],
});

describe('alertFrame', () => {
  it('makes one region per firing, ended by its latest state change', () => {
    const frame = alertFrame([event(1, 'firing', null), event(3, 'resolved', 5_000), event(2, 'silenced', null)], 'A');
    const column = (name: string) => frame.fields.find((f) => f.name === name)!.values;
    expect(column('time')).toEqual([1_000]);
    expect(column('timeEnd')).toEqual([5_000]);
    expect(column('title')).toEqual(['HighLatency resolved']);
    expect(column('tags')).toEqual([['alert', 'resolved', 'warning']]);
    expect(column('text')).toEqual(['search answers slowly']);
  });

  it('describes an alert without a summary annotation by its labels', () => {
    const frame = alertFrame([{ ...event(0, 'firing', null), annotations: {} }], 'A');
    expect(frame.fields.find((f) => f.name === 'text')!.values).toEqual(['{alertname="HighLatency", service="search"}']);
  });
});
