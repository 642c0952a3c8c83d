// Draws a NAB series with Sextant's expected band and the points it flags, as an SVG for the docs.
// usage: npx tsx scripts/plot-anomaly.ts [NAB file, relative to data/] [output.svg]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNabTimestamp, parseTimestampValueCsv, UnivariateDetector } from '../src/anomaly/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const nab = join(repo, '..', 'shared', 'datasets', 'nab');
const rel = process.argv[2] ?? 'realKnownCause/machine_temperature_system_failure.csv';
const out = process.argv[3] ?? join(repo, 'docs', 'anomaly-machine-temperature.svg');
const threshold = Number(process.env.THRESHOLD ?? 0.45);

const rows = parseTimestampValueCsv(readFileSync(join(nab, 'data', rel), 'utf8'), rel);
const windows = (JSON.parse(readFileSync(join(nab, 'windows.json'), 'utf8')) as Record<string, [string, string][]>)[rel] ?? [];
const detector = new UnivariateDetector();
const points = rows.timestamps.map((t, i) => {
  const v = rows.values[i]!;
  return detector.explain(t, v, detector.update(t, v));
});

const W = 1200;
const H = 360;
const pad = { l: 60, r: 20, t: 30, b: 40 };
const t0 = rows.timestamps[0]!;
const t1 = rows.timestamps[rows.timestamps.length - 1]!;
const warm = Math.min(Math.floor(0.15 * points.length), 750); // NAB's probation: the band is still forming
const shown = points.slice(warm);
const lo = Math.min(...shown.map((p) => Math.min(p.value, p.lower)));
const hi = Math.max(...shown.map((p) => Math.max(p.value, p.upper)));
const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * (W - pad.l - pad.r);
const y = (v: number) => pad.t + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * (H - pad.t - pad.b);
const step = Math.max(1, Math.ceil(points.length / 1500));
const sampled = points.filter((_, i) => i % step === 0 && i >= warm);
const line = (get: (p: (typeof points)[number]) => number, list = sampled) => list.map((p) => `${x(p.t).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
const band = `${line((p) => p.upper)} ${line((p) => p.lower, [...sampled].reverse())}`;
const flagged = points.filter((p) => p.score >= threshold);
const ticks = Array.from({ length: 6 }, (_, k) => lo + ((hi - lo) * k) / 5);
const days = Array.from({ length: 8 }, (_, k) => t0 + ((t1 - t0) * k) / 7);

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${pad.l}" y="18" font-size="13">${rel}: value (blue), expected band (grey), NAB anomaly windows (red), points scored &#8805; ${threshold} (orange)</text>
${windows.map(([a, b]) => `<rect x="${x(parseNabTimestamp(a)).toFixed(1)}" y="${pad.t}" width="${(x(parseNabTimestamp(b)) - x(parseNabTimestamp(a))).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#e53935" fill-opacity="0.12"/>`).join('\n')}
<rect x="${pad.l}" y="${pad.t}" width="${(x(points[warm]!.t) - pad.l).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#9e9e9e" fill-opacity="0.15"/>
<text x="${pad.l + 4}" y="${pad.t + 12}" fill="#616161">learning</text>
<polygon points="${band}" fill="#90a4ae" fill-opacity="0.45" stroke="none"/>
<polyline points="${line((p) => p.value)}" fill="none" stroke="#1e88e5" stroke-width="1"/>
${flagged.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" fill="#fb8c00" stroke="#e65100"><title>${new Date(p.t).toISOString()} score ${p.score.toFixed(2)} ${p.detector} ${p.severity}: ${p.value.toFixed(2)} vs expected ${p.expected.toFixed(2)}</title></circle>`).join('\n')}
${ticks.map((v) => `<text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text><line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eeeeee"/>`).join('\n')}
${days.map((t) => `<text x="${x(t)}" y="${H - pad.b + 16}" text-anchor="middle">${new Date(t).toISOString().slice(0, 10)}</text>`).join('\n')}
</svg>
`;
writeFileSync(out, svg);
console.log(`wrote ${out}: ${points.length} points, ${flagged.length} flagged, ${windows.length} NAB windows`);
