// The report as one self-contained HTML file: inline CSS and SVG, no script, no network. The layout
// is one column that reflows on a phone, and the print stylesheet keeps tables and charts whole.
import type { Report, ReportTable } from '@sextant/core/reports';
import { percent, utc } from '@sextant/core/reports';
import { formatCell, headerOf } from './format-cell.js';
import { barChart, escapeXml, sparkline } from './svg.js';

const css = `
body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1c2833;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:2px solid #2e86c1}
.meta{color:#566573;font-size:.9rem}.summary{background:#eaf2f8;padding:.75rem 1rem;border-radius:6px}.summary li{margin:.25rem 0}
.nodata{background:#fdedec;padding:1rem;border-radius:6px;font-weight:bold}
.partial{background:#fef5e7;border-left:4px solid #f39c12;padding:.75rem 1rem;border-radius:6px;font-weight:bold}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{border:1px solid #d5d8dc;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f4f6f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart{width:100%;height:auto;max-width:600px;display:block;margin:.5rem 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.75rem}
figure{margin:0;break-inside:avoid}figcaption{font-size:.8rem;color:#566573;word-break:break-all}
.empty{color:#566573;font-style:italic}.legend{fill:#566573;font-size:11px}
@media print{body{max-width:none;padding:0}h2{break-after:avoid}table,figure,.chart{break-inside:avoid}.scroll{overflow:visible}}
`;

function tableHtml(table: ReportTable): string {
  if (!table.rows.length) return `<p class="empty">${escapeXml(table.emptyText)}</p>`;
  const head = table.columns.map((c) => `<th>${escapeXml(headerOf(c))}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${table.columns.map((c) => `<td${c.kind === 'text' ? '' : ' class="n"'}>${escapeXml(formatCell(row[c.key] ?? null, c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table data-table="${table.name}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function chartsFor(report: Report, name: string): string {
  const { charts } = report;
  if (name === 'services') {
    const parts: string[] = [];
    if (charts.availability.length) {
      parts.push(`<figure data-chart="availability">${barChart(charts.availability, { format: (v) => percent(v, 3), reference: 'line', referenceLabel: 'objective', min: Math.min(0.9, ...charts.availability.map((d) => d.value)) })}<figcaption>Availability per service against its objective</figcaption></figure>`);
    }
    if (charts.latencyP95.length) {
      parts.push(`<figure data-chart="latency">${barChart(charts.latencyP95, { format: (v) => `${(v * 1000).toFixed(0)} ms`, reference: 'bar', referenceLabel: 'previous period' })}<figcaption>p95 latency per service, this period and the previous one</figcaption></figure>`);
    }
    return parts.join('');
  }
  const sparks = name === 'anomalies' ? charts.anomalies : name === 'capacity' ? charts.capacity : [];
  if (!sparks.length) return '';
  const what = name === 'anomalies' ? 'shaded: the anomaly' : 'dashed: forecast; red: threshold';
  return `<div class="charts">${sparks.map((c) => `<figure data-chart="${name}">${sparkline(c)}<figcaption>${escapeXml(c.title)} (${what})</figcaption></figure>`).join('')}</div>`;
}

export function renderHtml(report: Report): string {
  const title = `Sextant ${report.period} report, ${utc(report.range.start).slice(0, 10)}${report.partial ? ' (partial)' : ''}`;
  // A partial report's summary opens with the line that says so: shown apart, above the rest.
  const [banner, lines] = report.partial ? [`<p class="partial" data-partial>${escapeXml(report.summary[0] ?? '')}</p>\n`, report.summary.slice(1)] : ['', report.summary];
  const summary = report.hasData
    ? `<ul class="summary">${lines.map((s) => `<li>${escapeXml(s)}</li>`).join('')}</ul>`
    : `<p class="nodata">${escapeXml(lines.join(' '))}</p>`;
  const sections = report.hasData ? report.tables.map((t) => `<section id="${t.name}"><h2>${escapeXml(t.title)}</h2>${chartsFor(report, t.name)}${tableHtml(t)}</section>`).join('\n') : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeXml(title)}</title><style>${css}</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="meta">Tenant <b>${escapeXml(report.tenant)}</b> · ${escapeXml(utc(report.range.start))} to ${escapeXml(utc(report.range.end))} · compared with ${escapeXml(utc(report.previous.start))} to ${escapeXml(utc(report.previous.end))} · generated ${escapeXml(utc(report.generatedAt))}</p>
<h2>Summary</h2>
${banner}${summary}
${sections}
</body></html>
`;
}
