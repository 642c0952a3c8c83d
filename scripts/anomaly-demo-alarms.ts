// Alarms per series per week on the demo's healthy stretches, as the service would raise them: the
// demo scenario's series (seed 42, one point a minute) grouped by the service's rule and scored by the
// group detector (or alone), anomaly events opened at the event threshold and merged within 30
// minutes. The first week is history (not counted); events in the next two weeks are counted when no
// demo incident is active (from its start to two hours after its end).
// usage: npx tsx scripts/anomaly-demo-alarms.ts ['{"scaleFloor":0.01}']   (JSON: univariate options, for experiments)
import {
  DEFAULT_EVENT_OPTIONS,
  DEFAULT_GROUP_OPTIONS,
  DEFAULT_UNIVARIATE_OPTIONS,
  EventTracker,
  GroupDetector,
  scoreAligned,
  seriesGroupOf,
  type ScoredPoint,
  type UnivariateOptions,
} from '../src/anomaly/index.js';
import { DEMO_METRICS, scenario } from '../src/demo/index.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const override = process.argv[2]?.startsWith('{') ? (JSON.parse(process.argv[2]) as Partial<UnivariateOptions>) : {};
const univariate = { ...DEFAULT_UNIVARIATE_OPTIONS, ...override };
const MAX_GROUP = 32;

const demo = scenario(42);
const start = Date.UTC(2026, 0, 5);
const judgedFrom = start + 7 * DAY;
const end = start + 21 * DAY;
const series = DEMO_METRICS.flatMap((metric) => demo.series(metric, { start, end }, MINUTE).filter((s) => s.samples.length > 0).map((s) => ({ metric, ...s })));
const groups = new Map<string, typeof series>();
for (const s of series) {
  const key = seriesGroupOf(s.labels) ?? `alone:${groups.size}`;
  const members = groups.get(key);
  if (members) members.push(s);
  else groups.set(key, [s]);
}
const incidents = demo.incidents({ start, end });
const busy = (t: number) => incidents.some((i) => t >= i.start && t < i.end + 2 * 60 * MINUTE);

const scored: { metric: string; points: ScoredPoint[] }[] = [];
for (const members of groups.values()) {
  const asMembers = members.map((m) => ({ ts: m.samples.map((p) => p.t), values: m.samples.map((p) => p.v) }));
  const size = members.length >= 2 && members.length <= MAX_GROUP ? members.length : 1;
  if (size > 1) {
    const points = scoreAligned(new GroupDetector(size, { ...DEFAULT_GROUP_OPTIONS, univariate }), asMembers);
    members.forEach((m, i) => scored.push({ metric: m.metric, points: points[i]! }));
  } else {
    for (const [i, m] of members.entries()) scored.push({ metric: m.metric, points: scoreAligned(new GroupDetector(1, { ...DEFAULT_GROUP_OPTIONS, univariate }), [asMembers[i]!])[0]! });
  }
}

let healthyMinutes = 0;
for (let t = judgedFrom; t < end; t += MINUTE) if (!busy(t)) healthyMinutes++;
const healthyWeeks = healthyMinutes / (7 * 1440);
let healthyEvents = 0;
let incidentEvents = 0;
const perMetric = new Map<string, number>();
const bySeverity = new Map<string, number>();
const byDetector = new Map<string, number>();
for (const { metric, points } of scored) {
  const tracker = new EventTracker(DEFAULT_EVENT_OPTIONS);
  for (const p of points) if (p.t >= judgedFrom) tracker.add(p);
  for (const e of tracker.touched) {
    if (busy(e.start)) incidentEvents++;
    else {
      healthyEvents++;
      perMetric.set(metric, (perMetric.get(metric) ?? 0) + 1);
      bySeverity.set(e.peak.severity, (bySeverity.get(e.peak.severity) ?? 0) + 1);
      byDetector.set(e.peak.detector, (byDetector.get(e.peak.detector) ?? 0) + 1);
    }
  }
}
// The same points judged at other event thresholds: how the count falls as the threshold rises.
// Incidents found: an event on one of the incident's metrics starts while it lasts.
const judgedIncidents = incidents.filter((i) => i.start >= judgedFrom);
const sweep = [0.5, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95].map((threshold) => {
  let count = 0;
  const found = new Set<string>();
  for (const { metric, points } of scored) {
    const tracker = new EventTracker({ ...DEFAULT_EVENT_OPTIONS, threshold });
    for (const p of points) if (p.t >= judgedFrom) tracker.add(p);
    for (const e of tracker.touched) {
      if (!busy(e.start)) count++;
      for (const i of judgedIncidents) if (i.metrics.includes(metric) && e.start >= i.start && e.start < i.end) found.add(i.id);
    }
  }
  return `${threshold}: ${(count / scored.length / healthyWeeks).toFixed(2)} (incidents found ${found.size}/${judgedIncidents.length})`;
});
console.log(`${scored.length} series in ${groups.size} groups; judged 14 days, ${(healthyWeeks).toFixed(2)} healthy weeks, ${incidents.length} incidents`);
console.log(`events on healthy stretches: ${healthyEvents} = ${(healthyEvents / scored.length / healthyWeeks).toFixed(2)} per series per week (${(healthyEvents / (healthyWeeks * 7)).toFixed(1)} a day in all); during incidents: ${incidentEvents}`);
console.log(`per series per week on healthy stretches at other event thresholds: ${sweep.join(', ')}`);
console.log(`healthy events by severity: ${JSON.stringify(Object.fromEntries(bySeverity))}`);
console.log(`healthy events by detector: ${JSON.stringify(Object.fromEntries(byDetector))}`);
console.log(`healthy events by metric: ${JSON.stringify(Object.fromEntries(perMetric))}`);
