// The score job against a real DuckDB warehouse filled from the demo scenario: the demo's injected
// incidents must come out as anomaly events, scoring in two runs across a "restart" must give
// exactly what one run gives, and the gauges must carry the input series' labels.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { createLogger } from '../log.js';
import { createDemoSource, demoDatasets } from '../sources/demo-source.js';
import { UnivariateDetector } from '@sextant/core/anomaly';
import { decodeState, encodeState } from '../warehouse/anomaly-store.js';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { createScoreJob, scoringFromConfig } from './score.js';
import { memberName } from './score-groups.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'sextant-score-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tenant = 'team-a';
const now = Date.UTC(2026, 0, 10);
const source = createDemoSource({ seed: 42, now: () => now });
const datasets = demoDatasets(tenant).filter((d) => d.name === 'http_error_ratio');
const burst = source.scenario.incidents({ start: now - source.scenario.cycleMs, end: now }).find((i) => i.kind === 'error_burst')!;
// The dependency slowdown before the burst is unusual too: the incident's event may open there (the
// detector then adapts through the slowdown and may raise no second event for the burst itself).
const slowdown = source.scenario.incidents({ start: burst.start - 1, end: burst.start }).find((i) => i.kind === 'dependency_slowdown')!;
const range = { start: burst.start - 2 * DAY, end: burst.end + 2 * HOUR };
const retentionMs = { points: 365 * DAY, '5m': 365 * DAY, '1h': 365 * DAY, '1d': 365 * DAY };
const log = createLogger('error');

async function warehouseWith(name: string): Promise<DuckDbWarehouse> {
  const warehouse = await openDuckDbWarehouse({ path: join(dir, `${name}.duckdb`), retentionMs });
  await warehouse.migrate();
  return warehouse;
}

async function ingest(warehouse: DuckDbWarehouse, start: number, end: number): Promise<void> {
  for (const dataset of datasets) {
    const window = { start, end };
    await warehouse.replaceWindow(tenant, dataset.name, window, await source.queryRange(dataset, window));
  }
}

function job(warehouse: DuckDbWarehouse, families = new SeriesFamilies()) {
  return createScoreJob({ store: warehouse.anomalies, datasets, registry: new Registry(), families, log, intervalMs: 60_000 });
}

test('the demo error burst becomes an anomaly event, and a restart continues exactly where scoring stopped', async () => {
  const once = await warehouseWith('once');
  const twice = await warehouseWith('twice');
  try {
    const families = new SeriesFamilies();
    await ingest(once, range.start, range.end);
    await job(once, families).run(new AbortController().signal);

    const split = burst.start - 6 * HOUR;
    await ingest(twice, range.start, split);
    await job(twice).run(new AbortController().signal);
    await ingest(twice, split, range.end);
    await job(twice).run(new AbortController().signal); // a new job, as after a restart: state comes from the warehouse

    const events = await once.anomalies.events(tenant, { limit: 1000 });
    const onBurst = events.filter((e) => e.labels.job === 'checkout' && e.start >= slowdown.start && e.start < burst.end + 30 * 60_000);
    assert.ok(onBurst.length > 0, `no event on job="checkout" during the burst at ${new Date(burst.start).toISOString()}; events: ${JSON.stringify(events.map((e) => [e.labels, new Date(e.start).toISOString()]))}`);
    const first = onBurst[onBurst.length - 1]!;
    // Explained at its most deviant alarm: in the burst, a value above the band; in the slowdown before
    // it, a value above the band too, or errors drifting up (above the expected level, a run of small
    // deviations maybe inside the band).
    const explained = first.value > first.upper || (first.explainedAt < burst.start && first.detector === 'drift' && first.value > first.expected);
    assert.ok(explained, `the burst's first event is explained by ${first.detector} at ${first.value} (expected ${first.expected}, upper ${first.upper}): ${JSON.stringify(onBurst)}`);
    assert.ok(first.peakScore >= 0.5 && first.peakScore <= 1);
    // Outside incidents the detector stays quiet: few events on the healthy services.
    const elsewhere = events.filter((e) => e.labels.job !== 'checkout' && e.labels.job !== 'search');
    assert.ok(elsewhere.length <= 3, `${elsewhere.length} events on healthy services: ${JSON.stringify(elsewhere.map((e) => [e.labels, new Date(e.start).toISOString(), e.detector, e.value, e.expected, e.deviation, e.peakScore]))}`);

    const stateOf = (w: DuckDbWarehouse) =>
      w.handle.read('SELECT series_id, scored_until_ms, state, open_event_start_ms FROM anomaly_detector_state ORDER BY series_id');
    assert.deepEqual(await stateOf(twice), await stateOf(once));
    const eventsOf = (w: DuckDbWarehouse) => w.handle.read('SELECT * FROM anomaly_events ORDER BY series_id, start_ms');
    assert.deepEqual(await eventsOf(twice), await eventsOf(once));

    const exposition = families.render();
    assert.match(exposition, /sextant_anomaly_score\{[^}]*job="checkout"[^}]*sextant_detector="ensemble"[^}]*\} [0-9.e-]+\n/);
    for (const name of ['sextant_anomaly_level', 'sextant_anomaly_upper_band', 'sextant_anomaly_lower_band']) {
      assert.match(exposition, new RegExp(`${name}\\{[^}]*sextant_dataset="http_error_ratio"`));
    }
    // The exported value is the series' latest point in the warehouse.
    const [latest] = await once.handle.read(
      `SELECT p.value FROM points p JOIN series s USING (tenant, dataset, series_id)
       WHERE p.tenant = '${tenant}' AND p.dataset = 'http_error_ratio' AND s.labels['job'] = 'checkout' ORDER BY p.ts DESC LIMIT 1`,
    );
    const exported = new RegExp(`sextant_anomaly_value\\{job="checkout"[^}]*sextant_dataset="http_error_ratio"[^}]*\\} (\\S+)\n`).exec(exposition);
    assert.ok(exported, exposition.split('\n').filter((l) => l.startsWith('sextant_anomaly_value')).slice(0, 5).join('\n'));
    assert.equal(Number(exported[1]), latest!.value);
  } finally {
    await once.close();
    await twice.close();
  }
});

test('a service is scored as a group: the group finds the demo latency regression on the latency, and a restart continues the group exactly', async () => {
  const groupDatasets = demoDatasets(tenant).filter((d) => d.name.startsWith('http_') || d.name === 'process_resident_memory_bytes');
  // The forest is credited with an event only where its score beats the series' own: at most demo
  // regressions it does, at some (that of 2026-01-06 12:20) out-of-range reaches 1 first and names the
  // event. This one, of the cycle before, is one where the forest is first.
  const regression = source.scenario.incidents({ start: now - 2 * source.scenario.cycleMs, end: now - source.scenario.cycleMs }).find((i) => i.kind === 'latency_regression')!;
  const service = regression.labels.job!;
  const window = { start: regression.start - 2 * DAY, end: regression.end + HOUR };
  const fill = async (warehouse: DuckDbWarehouse, start: number, end: number) => {
    for (const dataset of groupDatasets) await warehouse.replaceWindow(tenant, dataset.name, { start, end }, await source.queryRange(dataset, { start, end }));
  };
  const groupJob = (warehouse: DuckDbWarehouse, families = new SeriesFamilies()) =>
    createScoreJob({ store: warehouse.anomalies, datasets: groupDatasets, registry: new Registry(), families, log, intervalMs: 60_000 });
  const once = await warehouseWith('group-once');
  const twice = await warehouseWith('group-twice');
  try {
    const families = new SeriesFamilies();
    await fill(once, window.start, window.end);
    await groupJob(once, families).run(new AbortController().signal);
    const split = regression.start - 3 * HOUR;
    await fill(twice, window.start, split);
    await groupJob(twice).run(new AbortController().signal);
    await fill(twice, split, window.end);
    await groupJob(twice).run(new AbortController().signal);

    // One group per service (5 series each: requests, errors, p95, p99, memory), saved beside the series.
    const groups = await once.handle.read(`SELECT series_id FROM anomaly_detector_state WHERE dataset = 'sextant:groups'`);
    assert.equal(groups.length, 3);
    const events = await once.anomalies.events(tenant, { limit: 10_000 });
    // An event is explained by its highest-scoring alarm: the forest's, or a latency beyond its range (1).
    const found = events.filter((e) => e.labels.job === service && e.start >= regression.start && e.start < regression.start + 30 * 60_000);
    assert.ok(found.length > 0, `the group detector found nothing at the ${service} latency regression (${new Date(regression.start).toISOString()}); events there: ${JSON.stringify(events.filter((e) => e.labels.job === service && e.start >= regression.start && e.start < regression.end).map((e) => [e.dataset, e.detector, new Date(e.start).toISOString()]))}`);
    assert.ok(found.some((e) => e.dataset.startsWith('http_request_duration')), `the events blamed ${JSON.stringify(found.map((e) => e.dataset))}, not the latency`);
    for (const e of found) assert.ok(e.peakScore >= 0.5 && e.peakScore <= 1, `${e.peakScore}`);

    const all = (w: DuckDbWarehouse) => w.handle.read('SELECT * FROM anomaly_detector_state ORDER BY dataset, series_id');
    assert.deepEqual(await all(twice), await all(once));
    const eventsOf = (w: DuckDbWarehouse) => w.handle.read('SELECT * FROM anomaly_events ORDER BY dataset, series_id, start_ms');
    assert.deepEqual(await eventsOf(twice), await eventsOf(once));
    assert.match(families.render(), new RegExp(`sextant_anomaly_score\\{[^}]*job="${service}"[^}]*sextant_dataset="process_resident_memory_bytes"`));
  } finally {
    await once.close();
    await twice.close();
  }
});

test("a first run is scored in the worker: the event loop stays free, and the group's events name the members they blame", async () => {
  // Five days of every demo dataset (the demo's incidents recur every 87 hours: some group alarms).
  const all = demoDatasets(tenant);
  const warehouse = await warehouseWith('first-run');
  try {
    const window = { start: now - 5 * DAY, end: now };
    for (const dataset of all) await warehouse.replaceWindow(tenant, dataset.name, window, await source.queryRange(dataset, window));
    const before = performance.eventLoopUtilization();
    await createScoreJob({ store: warehouse.anomalies, datasets: all, registry: new Registry(), families: new SeriesFamilies(), log, intervalMs: 60_000 }).run(new AbortController().signal);
    const during = performance.eventLoopUtilization(before);
    const [{ points }] = (await warehouse.handle.read('SELECT count(*)::INTEGER AS points FROM points')) as [{ points: number }];
    // Scored on this thread, the loop was busy for nearly all of the run (0.9 and more).
    assert.ok(during.utilization < 0.5, `the event loop was busy ${(100 * during.utilization).toFixed(0)}% of a first run over ${points} points`);
    const events = await warehouse.anomalies.events(tenant, { limit: 10_000 });
    // A group's event (the forest's, or members alarming together: one event naming them) names its members by their series.
    const blamed = events.flatMap((e) => e.evidence?.members ?? []);
    assert.ok(blamed.length > 0, `no group event names a member: ${JSON.stringify(events.map((e) => e.detector))}`);
    const names = new Set<string>();
    for (const dataset of all) for (const labels of (await warehouse.anomalies.seriesLabels(tenant, dataset.name)).values()) names.add(memberName({ dataset: dataset.name, labels }));
    for (const m of blamed) assert.ok(m.name !== undefined && names.has(m.name), `blamed member ${m.index} named ${m.name}`);
  } finally {
    await warehouse.close();
  }
});

test('anomaly settings: maxGroupSize 0 scores every series alone, and no event opens below eventThreshold', async () => {
  const serviceDatasets = demoDatasets(tenant).filter((d) => d.name.startsWith('http_'));
  const scoredWith = async (name: string, anomaly: Parameters<typeof scoringFromConfig>[0]) => {
    const warehouse = await warehouseWith(name);
    try {
      for (const dataset of serviceDatasets) await warehouse.replaceWindow(tenant, dataset.name, range, await source.queryRange(dataset, range));
      const scoring = scoringFromConfig(anomaly);
      await createScoreJob({ store: warehouse.anomalies, datasets: serviceDatasets, registry: new Registry(), families: new SeriesFamilies(), log, intervalMs: 60_000, scoring }).run(new AbortController().signal);
      const groups = await warehouse.handle.read(`SELECT series_id FROM anomaly_detector_state WHERE dataset = 'sextant:groups'`);
      return { groups: groups.length, events: await warehouse.anomalies.events(tenant, { limit: 10_000 }) };
    } finally {
      await warehouse.close();
    }
  };
  const defaults = await scoredWith('settings-default', { eventThreshold: 0.5, eventMergeGap: 30 * 60_000, maxGroupSize: 32 });
  const strict = await scoredWith('settings-strict', { eventThreshold: 0.9, eventMergeGap: 30 * 60_000, maxGroupSize: 0 });
  assert.ok(defaults.groups > 0 && defaults.events.some((e) => e.peakScore < 0.9), 'the default run must have groups and events below 0.9 for this test to mean anything');
  assert.equal(strict.groups, 0);
  assert.ok(strict.events.every((e) => e.detector !== 'isolation-forest' && e.peakScore >= 0.9), JSON.stringify(strict.events.map((e) => [e.detector, e.peakScore])));
  assert.ok(strict.events.length < defaults.events.length);
});

test('a saved state of another detector version is dropped: the series starts afresh instead of failing every run', async () => {
  const warehouse = await warehouseWith('outdated');
  try {
    const first = burst.start - DAY;
    await ingest(warehouse, first - 6 * HOUR, first);
    await job(warehouse).run(new AbortController().signal);
    const before = await warehouse.handle.read(`SELECT series_id, scored_until_ms FROM anomaly_detector_state ORDER BY series_id`);
    assert.ok(before.length > 0);
    const outdated = encodeState(new Float64Array(UnivariateDetector.stateLength() - 2));
    await warehouse.handle.write(async (tx) => {
      await tx.run('UPDATE anomaly_detector_state SET state = $1', [outdated]);
    });
    await ingest(warehouse, first, first + HOUR);
    await job(warehouse).run(new AbortController().signal);
    const after = await warehouse.handle.read(`SELECT series_id, scored_until_ms, state FROM anomaly_detector_state ORDER BY series_id`);
    assert.equal(after.length, before.length);
    for (const row of after) {
      assert.equal(decodeState(String(row.state)).length, UnivariateDetector.stateLength(), `series ${row.series_id} has a current state again`);
      assert.ok(Number(row.scored_until_ms) > Number(before.find((b) => b.series_id === row.series_id)!.scored_until_ms), `series ${row.series_id} was scored`);
    }
  } finally {
    await warehouse.close();
  }
});
