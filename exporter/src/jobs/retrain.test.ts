// History that arrives after a series was first scored reaches its detector: a backfill through the
// service's runner queues its datasets, and the score job's next run re-trains their series on all
// the history (real DuckDB, the demo source, whose traffic has daily and weekly cycles). Checked
// against detectors trained independently on the source's points.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UnivariateDetector } from '@sextant/core/anomaly';
import { seriesKey, type Series } from '@sextant/core';
import { Registry } from 'prom-client';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { createLogger } from '../log.js';
import { createDemoSource, demoDatasets } from '../sources/demo-source.js';
import type { AnomalyStore } from '../warehouse/anomaly-store.js';
import { openDuckDbWarehouse, type DuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { BackfillRunner } from './backfill-runner.js';
import { RetrainRequests } from './retrain.js';
import { createScoreJob } from './score.js';
import { createWriteTurns } from './write-turns.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), 'sextant-retrain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tenant = 'team-a';
// Saturday 2026-01-10, 06:00 UTC: the live points that follow are a weekend morning.
const now = Date.UTC(2026, 0, 10, 6);
const source = createDemoSource({ seed: 42, now: () => now });
const datasets = demoDatasets(tenant).filter((d) => d.name === 'http_requests_per_second');
const dataset = datasets[0]!;
const log = createLogger('error');
const retentionMs = { points: 365 * DAY, '5m': 365 * DAY, '1h': 365 * DAY, '1d': 365 * DAY };

async function setUp(name: string) {
  const warehouse = await openDuckDbWarehouse({ path: join(dir, `${name}.duckdb`), retentionMs });
  await warehouse.migrate();
  const store = warehouse.anomalies;
  const retrain = new RetrainRequests();
  const families = new SeriesFamilies();
  const score = createScoreJob({ store, datasets, registry: new Registry(), families, log, intervalMs: 60_000, retrain });
  const backfills = new BackfillRunner({
    warehouse,
    source,
    datasets,
    turns: createWriteTurns(),
    registry: new Registry(),
    log,
    now: () => now,
    delayMs: 0,
    windowMs: 2 * DAY,
    pointsRetentionMs: retentionMs.points,
    maxRangeMs: 400 * DAY,
    retrain,
  });
  return { warehouse, store, score, backfills, families };
}

async function backfillAndWait(backfills: BackfillRunner, start: number, end: number): Promise<void> {
  const job = backfills.start(tenant, { start, end });
  while (backfills.get(tenant, job.id).state === 'running') await new Promise((r) => setTimeout(r, 20));
  assert.equal(backfills.get(tenant, job.id).state, 'done', backfills.get(tenant, job.id).error);
}

async function fill(warehouse: DuckDbWarehouse, start: number, end: number): Promise<void> {
  await warehouse.replaceWindow(tenant, dataset.name, { start, end }, await source.queryRange(dataset, { start, end }));
}

/** A detector trained on the source's points of each series in [start, until], by series key. */
async function trainedOnSource(start: number, until: number): Promise<Map<string, UnivariateDetector>> {
  const series: Series[] = await source.queryRange(dataset, { start, end: until + 1 });
  return new Map(
    series.map((s) => {
      const detector = new UnivariateDetector();
      for (const p of s.samples) if (p.t <= until) detector.update(p.t, p.v);
      return [seriesKey(s.labels), detector];
    }),
  );
}

async function savedStates(store: AnomalyStore) {
  const [states, labels] = await Promise.all([store.states(tenant, dataset.name), store.seriesLabels(tenant, dataset.name)]);
  return [...states.values()].map((s) => ({ ...s, key: seriesKey(labels.get(s.seriesId)!) }));
}

const run = (score: { run(signal: AbortSignal): Promise<void> }) => score.run(new AbortController().signal);

test('a backfill that ends re-trains the series it covered on all their history, in place of the day they were first scored on', async () => {
  const { warehouse, store, score, backfills } = await setUp('after-backfill');
  try {
    // First start: the default initial lookback of one day, scored.
    await fill(warehouse, now - DAY, now);
    await run(score);
    const firstDay = await savedStates(store);
    assert.equal(firstDay.length, 3);

    // Two weeks of older history arrive; newPoints alone would never read them (they are older than scored_until).
    await backfillAndWait(backfills, now - 15 * DAY, now - DAY);
    await run(score);
    const retrained = await savedStates(store);
    const expected = await trainedOnSource(now - 15 * DAY, firstDay[0]!.scoredUntil);
    assert.equal(retrained.length, 3);
    for (const state of retrained) {
      const before = firstDay.find((s) => s.key === state.key)!;
      assert.equal(state.scoredUntil, before.scoredUntil, 'scoring continues where it stopped');
      assert.notDeepEqual(state.state, before.state, `${state.key}: the backfilled history changed nothing`);
      assert.deepEqual(state.state, expected.get(state.key)!.state, `${state.key}: not the state of a detector trained on the 15 days`);
    }

    // Scoring then continues from the re-trained state: new live points are scored as one detector fed everything would.
    const live = createDemoSource({ seed: 42, now: () => now + 2 * HOUR });
    await warehouse.replaceWindow(tenant, dataset.name, { start: now, end: now + 2 * HOUR }, await live.queryRange(dataset, { start: now, end: now + 2 * HOUR }));
    await run(score);
    const continued = await savedStates(store);
    const all = new Map<string, UnivariateDetector>();
    for (const s of await live.queryRange(dataset, { start: now - 15 * DAY, end: now + 2 * HOUR })) {
      const detector = new UnivariateDetector();
      for (const p of s.samples) detector.update(p.t, p.v);
      all.set(seriesKey(s.labels), detector);
    }
    for (const state of continued) assert.deepEqual(state.state, all.get(state.key)!.state, state.key);
  } finally {
    await warehouse.close();
  }
});

test('a new series with 8 days in the warehouse learns them all before its first live point, and its weekend morning scores as normal', async () => {
  const { warehouse, store, score, backfills, families } = await setUp('new-series');
  try {
    await backfillAndWait(backfills, now - 8 * DAY, now - 2 * HOUR);
    await run(score); // nothing was scored yet: the queued re-train has no state to replace, and the first run trains on the 8 days
    const states = await savedStates(store);
    const expected = await trainedOnSource(now - 8 * DAY, states[0]!.scoredUntil);
    assert.equal(states.length, 3);
    for (const state of states) assert.deepEqual(state.state, expected.get(state.key)!.state, state.key);

    // The live points of Saturday morning (weekend traffic, 0.66 of a weekday's): no anomaly.
    await fill(warehouse, now - 2 * HOUR, now);
    await run(score);
    const events = await store.events(tenant, { from: now - 2 * HOUR, limit: 100 });
    assert.deepEqual(events, []);
    const scores = [...families.render().matchAll(/^sextant_anomaly_score\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
    assert.equal(scores.length, 3);
    for (const s of scores) assert.ok(s < 0.5, `score ${s} at the latest live point`);
  } finally {
    await warehouse.close();
  }
});
