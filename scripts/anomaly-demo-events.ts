// The anomaly events the service stores on its demo, scored from scratch: every dataset of the demo
// (the service's default seed and step), its series grouped and ordered as the score job groups them,
// each group scored by the same core run the service's worker runs (scoreGroupRun, scoreSeriesRun),
// over windows of 14 and 5 days ending at a fixed date and ending now. Per window: the events, how
// many are group events (the isolation forest's, naming the members it blames: what the plugin's
// browser test asks one of on the anomalies page), and the events per detector (as stored: a held
// member alarm served once it persisted is explained by that alarm's detector).
// usage: npx tsx scripts/anomaly-demo-events.ts [--end 2026-01-10] [--end now] [--days 14,5] [--seed 1] [--tenant default]
import { seriesGroupOf, scoreGroupRun, scoreSeriesRun, type RunSeries } from '../src/anomaly/index.js';
import { groupBy } from '../src/collections/index.js';
import type { Labels } from '../src/model/index.js';
import { DEFAULT_SCORING_OPTIONS, eventRow } from '../exporter/src/jobs/score.js';
import { memberName } from '../exporter/src/jobs/score-groups.js';
import { splitByShare } from '../exporter/src/jobs/score-share.js';
import { WHOLE } from '../exporter/src/replicas/share.js';
import { createDemoSource, demoDatasets } from '../exporter/src/sources/demo-source.js';
import { seriesId } from '../exporter/src/warehouse/series-id.js';
import type { AnomalyEvent } from '../exporter/src/warehouse/anomaly-store.js';

const DAY = 86_400_000;
const TENANT = option('tenant')[0] ?? 'default';

function option(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => a === `--${name}` && process.argv[i + 1] !== undefined && out.push(process.argv[i + 1]!));
  return out;
}
const seed = Number(option('seed')[0] ?? 1);
const days = (option('days')[0] ?? '14,5').split(',').map(Number);
const ends = (option('end').length > 0 ? option('end') : ['2026-01-10', 'now']).map((e) => (e === 'now' ? Date.now() : Date.parse(e)));

interface Member {
  dataset: string;
  seriesId: number;
  labels: Labels;
  ts: Float64Array;
  values: Float64Array;
}

/** Every demo series with its points in [start, end), as the service would hold them after ingest. */
async function demoMembers(start: number, end: number): Promise<Member[]> {
  const source = createDemoSource({ seed, now: () => end });
  const members: Member[] = [];
  for (const dataset of demoDatasets(TENANT)) {
    for (const s of await source.queryRange(dataset, { start, end })) {
      members.push({
        dataset: dataset.name,
        seriesId: seriesId(TENANT, dataset.name, s.labels),
        labels: s.labels,
        ts: Float64Array.from(s.samples, (p) => p.t),
        values: Float64Array.from(s.samples, (p) => p.v),
      });
    }
  }
  return members;
}

/** The stored events of a first scoring run over `members`, grouped as the score job groups them. */
function scoreFromScratch(members: readonly Member[]): AnomalyEvent[] {
  const { events, maxGroupSize } = DEFAULT_SCORING_OPTIONS;
  const { together } = splitByShare(members, WHOLE, TENANT, maxGroupSize);
  const run = (m: Member): RunSeries => ({ ts: m.ts, values: m.values });
  const rows: AnomalyEvent[] = [];
  const keep = (m: Member, touched: ReturnType<typeof scoreSeriesRun>[number]) => {
    for (const e of touched?.touched ?? []) rows.push(eventRow(TENANT, m.dataset, m.seriesId, m.labels, e));
  };
  const groups = groupBy(members, (m) => seriesGroupOf(m.labels));
  for (const [key, group] of groups) if (key === undefined || !together.has(key)) for (const m of group) keep(m, scoreSeriesRun([run(m)], events)[0]);
  for (const key of [...together].sort()) {
    const group = groups.get(key)!.sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.seriesId - b.seriesId));
    const outcome = scoreGroupRun({ members: group.map((m) => ({ ...run(m), name: memberName(m) })), end: Infinity }, events);
    outcome.members.forEach((o, i) => keep(group[i]!, o));
  }
  return rows;
}

const count = <T>(items: readonly T[], key: (item: T) => string) => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};

const totals = new Map<number, { events: number[]; grouped: number[] }>(days.map((n) => [n, { events: [], grouped: [] }]));
console.log(`demo seed ${seed}, every dataset at a ${demoDatasets(TENANT)[0]!.stepMs / 60_000}-minute step, scored from scratch`);
for (const end of ends) {
  for (const n of days) {
    const to = Math.floor(end / 60_000) * 60_000;
    const from = to - n * DAY;
    const members = await demoMembers(from, to);
    const events = scoreFromScratch(members);
    const grouped = events.filter((e) => (e.evidence?.members?.length ?? 0) > 0);
    totals.get(n)!.events.push(events.length);
    totals.get(n)!.grouped.push(grouped.length);
    const window = `${new Date(from).toISOString().slice(0, 16)} .. ${new Date(to).toISOString().slice(0, 16)}`;
    console.log(`${n} days, ${window}: ${members.length} series, ${events.length} events, ${grouped.length} group events; by detector ${JSON.stringify(count(events, (e) => e.detector))}; by severity ${JSON.stringify(count(events, (e) => e.severity))}`);
    console.log(`  group events per day: ${JSON.stringify(count(grouped, (e) => new Date(e.start).toISOString().slice(0, 10)))}`);
  }
}
for (const [n, { events, grouped }] of totals) {
  console.log(`${n} days, ${events.length} windows: events ${events.join(' / ')}; group events ${grouped.join(' / ')} (fewest ${Math.min(...grouped)})`);
}
