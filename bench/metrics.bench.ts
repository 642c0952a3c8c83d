// /metrics with 100k high-cardinality series: prom-client's own rendering against Sextant's
// SeriesGaugeFamily, in the same run. Goal (issue 2): 150 ms per scrape. Each timed render follows
// an update of every series' value (the worst case: a scoring run finished since the last scrape)
// and includes turning the text into the bytes sent, as res.send does.
import { Gauge, Registry } from 'prom-client';
import { SeriesFamilies, type SeriesHandle } from '../exporter/src/metrics/series-gauge-family.js';

const SERIES = 100_000;
const ROUNDS = 7;

function labelsOf(i: number): Record<string, string> {
  return {
    job: `job-${i % 20}`,
    instance: `host-${i % 500}.example.internal:9100`,
    service: `service-${i % 50}`,
    series: `s${i}`,
    sextant_detector: 'ensemble',
  };
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

interface Subject {
  update(round: number): void;
  render(): Promise<string> | string;
}

async function measure(name: string, build: () => Subject) {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const subject = build();
  let bytes = Buffer.from(await subject.render()).length; // warm-up
  const changed: number[] = [];
  const unchanged: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    subject.update(round);
    let t0 = performance.now();
    bytes = Buffer.from(await subject.render()).length;
    changed.push(performance.now() - t0);
    t0 = performance.now();
    Buffer.from(await subject.render());
    unchanged.push(performance.now() - t0);
  }
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  return { name, changedMs: median(changed), unchangedMs: median(unchanged), bytes, rssMb: mb(rss - rssBefore), heapMb: mb(heapUsed - heapBefore), subject };
}

const promClient = await measure('prom-client Gauge, registry.metrics()', () => {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'sextant_anomaly_score', help: 'score', labelNames: Object.keys(labelsOf(0)), registers: [registry] });
  const labels = Array.from({ length: SERIES }, (_, i) => labelsOf(i));
  labels.forEach((l) => gauge.set(l, Math.random()));
  return { update: (round) => labels.forEach((l, i) => gauge.set(l, (i % 1000) / 1000 + round)), render: () => registry.metrics() };
});
const promClientResult = { ...promClient, subject: undefined };
const ours = await measure('SeriesGaugeFamily, families.render()', () => {
  const families = new SeriesFamilies();
  const score = families.gauge('sextant_anomaly_score', 'score');
  const handles: SeriesHandle[] = Array.from({ length: SERIES }, (_, i) => score.series(labelsOf(i)));
  handles.forEach((h) => h.set(Math.random()));
  return { update: (round) => handles.forEach((h, i) => h.set((i % 1000) / 1000 + round)), render: () => families.render() };
});

process.stdout.write(`node ${process.version}, ${SERIES} series of 5 labels, median of ${ROUNDS} scrapes\n\n`);
process.stdout.write('| renderer | ms after every value changed | ms when unchanged | bytes | RSS growth MB | heap growth MB |\n|---|---|---|---|---|---|\n');
for (const r of [promClientResult, ours]) {
  process.stdout.write(`| ${r.name} | ${r.changedMs.toFixed(0)} | ${r.unchangedMs.toFixed(0)} | ${r.bytes} | ${r.rssMb} | ${r.heapMb} |\n`);
}
process.stdout.write(`\nspeed-up after a full update: ${(promClientResult.changedMs / ours.changedMs).toFixed(1)}x; goal 150 ms: ${ours.changedMs <= 150 ? 'met' : 'MISSED'}\n`);
