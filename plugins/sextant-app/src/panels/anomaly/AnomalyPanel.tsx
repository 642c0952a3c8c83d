import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { Badge, Text, useStyles2 } from '@grafana/ui';
import { BandChart } from '../../common/BandChart';
import { SEVERITY_BADGE } from '../../common/format';
import type { Severity } from '../../common/types';
import { panelSeries } from './series';

export interface AnomalyPanelOptions {
  /** How many series to draw, one under the other. */
  maxSeries: number;
  showLegend: boolean;
}

const LEGEND_HEIGHT = 24;
const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low'];

export function AnomalyPanel({ data, width, height, options }: PanelProps<AnomalyPanelOptions>) {
  const styles = useStyles2(getStyles);
  const series = useMemo(() => panelSeries(data.series).slice(0, Math.max(1, options.maxSeries)), [data.series, options.maxSeries]);
  if (series.length === 0) {
    return (
      <div className={styles.empty} style={{ width, height }}>
        <Text color="secondary">No series: query a metric, or Sextant's warehouse, with its band metrics.</Text>
      </div>
    );
  }
  const rowHeight = Math.floor(height / series.length);
  return (
    <div style={{ width, height }} data-testid="anomaly-panel">
      {series.map((s) => {
        const counts = SEVERITIES.map((severity) => [severity, s.marks.filter((m) => m.severity === severity).length] as const).filter(
          ([, n]) => n > 0
        );
        return (
          <div key={s.name} style={{ height: rowHeight }}>
            {options.showLegend && (
              <div className={styles.legend} style={{ height: LEGEND_HEIGHT }}>
                <Text variant="bodySmall" truncate>
                  {s.name}
                </Text>
                {counts.map(([severity, n]) => (
                  <Badge key={severity} text={`${n} ${severity}`} color={SEVERITY_BADGE[severity]} />
                ))}
              </div>
            )}
            <BandChart
              width={width}
              height={rowHeight - (options.showLegend ? LEGEND_HEIGHT : 0)}
              points={s.points}
              marks={s.marks}
              axes
              title={s.name}
            />
          </div>
        );
      })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), overflow: 'hidden' }),
  empty: css({ display: 'flex', alignItems: 'center', justifyContent: 'center', padding: theme.spacing(1) }),
});
