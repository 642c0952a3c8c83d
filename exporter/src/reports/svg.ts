// Inline SVG charts for the HTML report: no scripts, no fonts to fetch, scale to the page width.
import type { BarDatum, SparkChart } from '@sextant/core/reports';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const f = (n: number): string => n.toFixed(1);

export interface BarOptions {
  format: (v: number) => string;
  /** `line`: the reference is a target tick (objective); `bar`: a paler bar beside (previous period). */
  reference: 'line' | 'bar';
  referenceLabel: string;
  /** Lower end of the value axis (availability reads better from 90%). */
  min?: number;
}

/** Horizontal bars, one row per datum, with the value written at the bar's end. */
export function barChart(data: readonly BarDatum[], options: BarOptions): string {
  const rowH = 28;
  const labelW = 130;
  const width = 600;
  const plotW = width - labelW - 90;
  const height = data.length * rowH + 24;
  const max = Math.max(...data.map((d) => Math.max(d.value, d.reference ?? 0)), 1e-12);
  const min = Math.min(options.min ?? 0, ...data.map((d) => d.value));
  const x = (v: number): number => labelW + (Math.max(0, v - min) / (max - min || 1)) * plotW;
  const rows = data.map((d, i) => {
    const y = 8 + i * rowH;
    const ref =
      d.reference === undefined
        ? ''
        : options.reference === 'line'
          ? `<line x1="${f(x(d.reference))}" x2="${f(x(d.reference))}" y1="${y - 2}" y2="${y + 20}" stroke="#c0392b" stroke-width="2"/>`
          : `<rect x="${labelW}" y="${y + 12}" width="${f(Math.max(1, x(d.reference) - labelW))}" height="7" fill="#aab7c4"/>`;
    const barH = options.reference === 'bar' ? 11 : 18;
    return (
      `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end">${escapeXml(d.label)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${f(Math.max(1, x(d.value) - labelW))}" height="${barH}" fill="#2e86c1"/>` +
      ref +
      `<text x="${f(Math.max(x(d.value), d.reference === undefined ? 0 : x(d.reference)) + 6)}" y="${y + 13}">${escapeXml(options.format(d.value))}</text>`
    );
  });
  const legend = `<text x="${labelW}" y="${height - 4}" class="legend">blue: this period; ${options.reference === 'line' ? 'red tick' : 'grey bar'}: ${escapeXml(options.referenceLabel)}</text>`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">${rows.join('')}${legend}</svg>`;
}

/** A small line plot: the series, a shaded span (anomaly), a dashed forecast and a threshold line. */
export function sparkline(chart: SparkChart): string {
  const width = 300;
  const height = 90;
  const pad = 4;
  const points = [...chart.samples, ...(chart.forecast ?? [])];
  if (!points.length) return `<svg class="chart empty" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><text x="8" y="48" font-size="12">no samples</text></svg>`;
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t));
  const values = [...points.map((p) => p.v), ...(chart.threshold !== undefined ? [chart.threshold] : [])];
  const v0 = Math.min(...values);
  const v1 = Math.max(...values);
  const x = (t: number): number => pad + ((t - t0) / (t1 - t0 || 1)) * (width - 2 * pad);
  const y = (v: number): number => height - pad - ((v - v0) / (v1 - v0 || 1)) * (height - 2 * pad);
  const path = (samples: readonly { t: number; v: number }[]): string => samples.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t))},${f(y(p.v))}`).join('');
  const span = chart.highlight ? `<rect x="${f(x(chart.highlight.start))}" y="0" width="${f(Math.max(2, x(chart.highlight.end) - x(chart.highlight.start)))}" height="${height}" fill="#f5b7b1"/>` : '';
  const threshold = chart.threshold !== undefined ? `<line x1="0" x2="${width}" y1="${f(y(chart.threshold))}" y2="${f(y(chart.threshold))}" stroke="#c0392b" stroke-dasharray="4 3"/>` : '';
  const forecast = chart.forecast?.length ? `<path d="${path(chart.forecast)}" fill="none" stroke="#8e44ad" stroke-width="2" stroke-dasharray="5 3"/>` : '';
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" xmlns="http://www.w3.org/2000/svg">` +
    `<rect width="${width}" height="${height}" fill="#fbfcfc" stroke="#d5d8dc"/>${span}${threshold}` +
    `<path d="${path(chart.samples)}" fill="none" stroke="#2e86c1" stroke-width="2"/>${forecast}</svg>`
  );
}
