import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import type { Labels } from '@sextant/core';
import { describeExplanation } from '@sextant/core/anomaly';
import type { AnomalyEvent, Severity } from './types';

export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : dateTimeFormat(ms, { format: 'YYYY-MM-DD HH:mm:ss' });
}

export function formatPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(0)} %`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '—';
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min`;
  }
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  return Math.abs(value) >= 1000 || Math.abs(value) < 0.01 ? value.toPrecision(3) : value.toFixed(2);
}

/** `name{a="1"}` the way Prometheus prints a series. */
export function seriesName(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((key) => `${key}="${rest[key]}"`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name;
}

export const SEVERITY_BADGE: Record<Severity, 'red' | 'orange' | 'blue' | 'purple'> = {
  critical: 'red',
  high: 'orange',
  medium: 'purple',
  low: 'blue',
};

export function severityColor(theme: GrafanaTheme2, severity: Severity): string {
  return theme.visualization.getColorByName(SEVERITY_BADGE[severity]);
}

/** A deviation in robust standard deviations, signed, as the core words it ("+2.1 σ", "−0.4 σ"). */
export function formatDeviation(sigmas: number): string {
  return `${sigmas >= 0 ? '+' : '−'}${Math.abs(sigmas).toFixed(1)} σ`;
}

/**
 * An anomaly's explanation as the Anomalies page words it: the service's text, except that a group
 * event's blamed members are listed apart (each with its deviation), so the core words the rest
 * without them rather than naming every member twice.
 */
export function explanationBesideMembers(a: AnomalyEvent): string {
  const { members, ...rest } = a.evidence ?? {};
  return members && members.length > 0 ? describeExplanation({ ...a, evidence: rest }) : a.text;
}
