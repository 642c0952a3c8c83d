import React from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { formatNumber, severityColor } from './format';
import type { Severity } from './types';

export interface BandPoint {
  t: number;
  v: number | null;
  upper?: number | null;
  lower?: number | null;
}

export interface AnomalyMark {
  t: number;
  v: number;
  severity: Severity;
  score: number;
}

interface Props {
  width: number;
  height: number;
  points: BandPoint[];
  marks: AnomalyMark[];
  /** Time axis labels and a value range; off for sparklines. */
  axes?: boolean;
  title?: string;
}

const AXIS_LEFT = 60;
const AXIS_BOTTOM = 18;

/**
 * A series, its expected band (a filled area between lower and upper) and the scored anomalies as
 * dots coloured by severity. Drawn as SVG with the theme's colours, so it reads in light and dark.
 */
export function BandChart({ width, height, points, marks, axes = false, title }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const left = axes ? AXIS_LEFT : 2;
  const bottom = axes ? AXIS_BOTTOM : 2;
  const plotWidth = Math.max(1, width - left - 2);
  const plotHeight = Math.max(1, height - bottom - 4);

  const times = points.map((p) => p.t).concat(marks.map((m) => m.t));
  const values = points
    .flatMap((p) => [p.v, p.upper, p.lower])
    .concat(marks.map((m) => m.v))
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (times.length === 0 || values.length === 0) {
    return (
      <div className={styles.empty} style={{ width, height }} data-testid="band-chart-empty">
        No data
      </div>
    );
  }
  const [t0, t1] = extent(times);
  const [v0, v1] = extent(values);
  const x = (t: number) => left + ((t - t0) / (t1 - t0 || 1)) * plotWidth;
  const y = (v: number) => 2 + plotHeight - ((v - v0) / (v1 - v0 || 1)) * plotHeight;

  const banded = points.filter((p) => isNumber(p.upper) && isNumber(p.lower));
  const band =
    banded.length > 1
      ? banded.map((p) => `${x(p.t)},${y(p.upper as number)}`).join(' ') +
        ' ' +
        [...banded].reverse().map((p) => `${x(p.t)},${y(p.lower as number)}`).join(' ')
      : '';
  const line = segments(points).map((segment) =>
    segment.map((p) => `${x(p.t)},${y(p.v as number)}`).join(' ')
  );
  const seriesColor = theme.visualization.getColorByName('green');
  const bandColor = theme.visualization.getColorByName('blue');

  return (
    <svg width={width} height={height} role="img" aria-label={title ?? 'series with expected band'} data-testid="band-chart">
      {band && <polygon points={band} fill={bandColor} fillOpacity={0.2} stroke="none" data-testid="band" />}
      {line.map((pts, i) => (
        <polyline key={i} points={pts} fill="none" stroke={seriesColor} strokeWidth={axes ? 1.5 : 1} data-testid="series" />
      ))}
      {marks.map((m) => (
        <circle
          key={`${m.t}-${m.v}`}
          cx={x(m.t)}
          cy={y(m.v)}
          r={axes ? 4 : 2.5}
          fill={severityColor(theme, m.severity)}
          data-testid={`anomaly-${m.severity}`}
        >
          <title>{`${m.severity}: score ${m.score.toFixed(2)} at ${dateTimeFormat(m.t)}`}</title>
        </circle>
      ))}
      {axes && (
        <g className={styles.axis}>
          <text x={left - 4} y={10} textAnchor="end">
            {formatNumber(v1)}
          </text>
          <text x={left - 4} y={2 + plotHeight} textAnchor="end">
            {formatNumber(v0)}
          </text>
          <text x={left} y={height - 4} textAnchor="start">
            {dateTimeFormat(t0, { format: 'MM-DD HH:mm' })}
          </text>
          <text x={left + plotWidth} y={height - 4} textAnchor="end">
            {dateTimeFormat(t1, { format: 'MM-DD HH:mm' })}
          </text>
        </g>
      )}
    </svg>
  );
}

function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function extent(values: number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return [min, max];
}

/** Splits the line at missing values, so a gap shows as a gap. */
function segments(points: BandPoint[]): BandPoint[][] {
  const out: BandPoint[][] = [[]];
  for (const p of points) {
    if (isNumber(p.v)) {
      out[out.length - 1]!.push(p);
    } else if (out[out.length - 1]!.length > 0) {
      out.push([]);
    }
  }
  return out.filter((s) => s.length > 0);
}

const getStyles = (theme: GrafanaTheme2) => ({
  axis: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  empty: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.colors.text.secondary,
  }),
});
