import React from 'react';
import { render } from '@testing-library/react';
import { FieldType, LoadingState, toDataFrame, type PanelProps } from '@grafana/data';
import { AnomalyPanel, type AnomalyPanelOptions } from './AnomalyPanel';

const frame = (name: string, values: number[]) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: [1_000, 2_000, 3_000] },
      { name: 'Value', type: FieldType.number, values, labels: { __name__: name, job: 'api' } },
    ],
  });

function props(series: ReturnType<typeof frame>[]): PanelProps<AnomalyPanelOptions> {
  return {
    data: { state: LoadingState.Done, series, timeRange: {} as never },
    options: { maxSeries: 4, showLegend: true },
    width: 600,
    height: 200,
  } as unknown as PanelProps<AnomalyPanelOptions>;
}

describe('AnomalyPanel', () => {
  it('draws the band, the series and one mark per anomalous point, with a legend of severities', () => {
    const { getAllByTestId, getByTestId, getByText } = render(
      <AnomalyPanel
        {...props([
          frame('latency', [1, 50, 1]),
          frame('sextant_anomaly_upper_band', [2, 2, 2]),
          frame('sextant_anomaly_lower_band', [0, 0, 0]),
          frame('sextant_anomaly_score', [0.1, 0.99, 0.1]),
        ])}
      />
    );
    expect(getByTestId('band')).toBeInTheDocument();
    expect(getAllByTestId('series')).toHaveLength(1);
    expect(getAllByTestId('anomaly-critical')).toHaveLength(1);
    expect(getByText('1 critical')).toBeInTheDocument();
  });

  it('says what to query when there is nothing to draw', () => {
    const { getByText } = render(<AnomalyPanel {...props([])} />);
    expect(getByText(/No series/)).toBeInTheDocument();
  });
});
