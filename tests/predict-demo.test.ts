// The demo workload through the real stages: demo source -> DuckDB warehouse -> rollups -> the
// recommendation job run every hour as the service would, and the training and inference jobs.
// The disk fill and the memory leak must be recommended before their alerts fire (alert times and
// lead times come from the data), and applying a recommendation whose condition then clears must raise
// its action's rank. The model trained on the history must then show, in the predictions the
// Predictions page lists, the risk of each entity rising in the half hour before its next critical
// alert, from a low level hours before, while the other entities stay low.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { predictLinear } from '@sextant/core/forecast';
import type { TimeRange } from '@sextant/core';
import { hostOf, type Prediction } from '@sextant/core/predict';
import { markApplied, rank } from '@sextant/core/recommend';
import { createPredictJob } from '../exporter/src/jobs/predict.js';
import { loadSeries, replayAlertPeriods, replayedAlertHistory } from '../exporter/src/jobs/predict-inputs.js';
import { createRecommendJob } from '../exporter/src/jobs/recommend.js';
import { createTrainJob, DEFAULT_PREDICT_SETTINGS } from '../exporter/src/jobs/train.js';
import { createLogger } from '../exporter/src/log.js';
import { createDemoSource, demoDatasets } from '../exporter/src/sources/demo-source.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../exporter/src/warehouse/duckdb-warehouse.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const SEED = 1;
const RANGE = { start: Date.UTC(2026, 10, 2), end: Date.UTC(2026, 10, 14, 6) };
/** After the training: long enough to hold the next failure of each kind (one 87-hour cycle). */
const NEXT = { start: RANGE.end, end: RANGE.end + 92 * HOUR };
const TENANT = 'default';

test('demo: disk fill and memory leak are recommended before their alerts; an applied fix that worked raises its rank; the model shows risk rising before the next incidents', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-predict-demo-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: { ...DEFAULT_RETENTION_MS, points: 400 * 86_400_000 } });
  t.after(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  await warehouse.migrate();
  const source = createDemoSource({ seed: SEED, now: () => NEXT.end });
  const ingest = async (range: TimeRange) => {
    // `up` every minute so a 3-minute OOM restart shows; the smooth metrics every 5 minutes.
    for (const dataset of demoDatasets(TENANT, 5 * MIN).map((d) => (d.name === 'up' ? { ...d, stepMs: MIN } : d))) {
      await warehouse.replaceWindow(TENANT, dataset.name, range, await source.queryRange(dataset, range));
    }
    await warehouse.rollup();
  };
  await ingest(RANGE);

  // The alerts, from the data: what the reference rules fire on the warehouse's rollups.
  const series = await loadSeries(warehouse, TENANT, RANGE);
  const alerts = await replayAlertPeriods(RANGE, series);
  const fill = source.scenario.incidents(RANGE).filter((i) => i.kind === 'disk_fill').at(-1)!;
  const leak = source.scenario.incidents(RANGE).find((i) => i.kind === 'memory_leak' && i.end < RANGE.end)!;
  const fillHost = hostOf(fill.labels['instance']!);
  const leakHost = source.scenario.services.find((s) => s.name === leak.entity)!.host;
  const diskAlert = alerts.find((a) => a.alertname === 'DiskAlmostFull' && a.entity === fillHost && a.startsAt >= fill.start)!;
  const oomAlert = alerts.find((a) => a.alertname === 'ServiceDown' && a.entity === leak.entity && a.startsAt >= leak.start)!;
  assert.ok(diskAlert && oomAlert, `alerts: ${JSON.stringify(alerts.map((a) => [a.entity, a.alertname]))}`);

  const store = warehouse.recommendations;
  const predictions = warehouse.predictions;
  let clock = 0;
  const log = createLogger('error', () => {});
  const job = createRecommendJob({
    warehouse, store, predictions, alerts: replayedAlertHistory(), registry: new Registry(), log, now: () => clock,
    intervalMs: HOUR, tenants: [TENANT], policies: [], slos: [], analyzers: ['capacity'],
  });
  const openedAt = async (key: string) => (await store.list(TENANT, ['open', 'applied', 'expired'], 1000)).filter((r) => r.key === key).map((r) => r.createdAt).sort()[0];

  // Every 3 hours (the service runs it every few minutes; fewer runs keep the test short), from 30
  // hours before each incident's alert up to the alert.
  for (const [from, to] of [[oomAlert.startsAt - 30 * HOUR, oomAlert.startsAt], [diskAlert.startsAt - 30 * HOUR, diskAlert.startsAt - HOUR]] as const) {
    for (clock = Math.ceil(from / HOUR) * HOUR; clock < to; clock += 3 * HOUR) await job.recommendAll();
  }
  const diskKey = `capacity:disk:${fillHost}:${fill.labels['mountpoint']}`;
  const diskRecommendedAt = await openedAt(diskKey);
  assert.ok(diskRecommendedAt !== undefined, `no ${diskKey} recommendation before ${new Date(diskAlert.startsAt).toISOString()}`);
  // The predict_linear(6h, 4h) capacity alert on the same series, computed independently.
  const diskSeries = series['node_filesystem_used_ratio']!.find((s) => s.labels['instance'] === fill.labels['instance'] && s.labels['mountpoint'] === fill.labels['mountpoint'])!;
  const linearAlertAt = diskSeries.samples.find((p) => p.t > fill.start && predictLinear(diskSeries.samples, p.t, 6 * HOUR, 4 * HOUR)! >= 1)!.t;
  const diskLead = diskAlert.startsAt - diskRecommendedAt;
  assert.ok(diskLead > 4 * HOUR, `disk recommended ${diskLead / HOUR} h before DiskAlmostFull`);
  assert.ok(diskRecommendedAt < linearAlertAt, `recommended ${new Date(diskRecommendedAt).toISOString()}, predict_linear alert ${new Date(linearAlertAt).toISOString()}`);

  const memoryKey = `capacity:memory:${leakHost}`;
  const memoryRecommendedAt = await openedAt(memoryKey);
  assert.ok(memoryRecommendedAt !== undefined && memoryRecommendedAt < oomAlert.startsAt, `no ${memoryKey} before the OOM at ${new Date(oomAlert.startsAt).toISOString()}`);
  assert.ok(oomAlert.startsAt - memoryRecommendedAt > HOUR, `memory recommended ${(oomAlert.startsAt - memoryRecommendedAt) / HOUR} h before ServiceDown`);

  // Apply the disk recommendation an hour before the alert; the cleanup then clears the condition.
  const diskRec = (await store.list(TENANT, ['open'])).find((r) => r.key === diskKey)!;
  const before = rank([diskRec], await store.actionRecords(TENANT))[0]!;
  await store.save(TENANT, [markApplied(diskRec, diskAlert.startsAt - HOUR)]);
  clock = (diskAlert.endsAt ?? fill.end) + 30 * MIN;
  const result = await job.recommendAll();
  assert.equal(result.outcomes, 1);
  const applied = (await store.get(TENANT, diskRec.id))!;
  assert.equal(applied.outcome, 'success');
  const after = rank([applied], await store.actionRecords(TENANT))[0]!;
  assert.deepEqual(after.posterior, { mean: 0.6667, count: 1, rate: 1 });
  assert.ok(after.score > before.score, `score ${before.score} -> ${after.score}`);

  // Training in a worker on the warehouse's history, then inference for every entity.
  const registry = new Registry();
  const train = createTrainJob({
    warehouse, store: predictions, alerts: replayedAlertHistory(), registry, log, now: () => RANGE.end, intervalMs: HOUR, tenants: [TENANT],
    settings: { ...DEFAULT_PREDICT_SETTINGS, trainingRangeMs: RANGE.end - RANGE.start, testFraction: 0.3 },
  });
  const [model] = await train.trainAll();
  assert.ok(model, 'no model trained');
  assert.equal(model.version, 1);
  assert.ok(model.evaluation.positives > 0 && model.trainRows > model.testRows);
  assert.deepEqual((await predictions.listModels(TENANT, 5)).map((m) => m.version), [1]);
  assert.match(await registry.metrics(), /sextant_predict_training_runs_total\{horizon="30m",outcome="ok"\} 1/);
  const predict = createPredictJob({ warehouse, store: predictions, alerts: replayedAlertHistory(), registry, log, now: () => clock, intervalMs: MIN, tenants: [TENANT] });
  clock = RANGE.end;
  const made = await predict.predictAll();
  assert.equal(made.length, 7);
  assert.ok(made.every((p) => p.probability >= 0 && p.probability <= 1 && p.contributions.length > 0));
  assert.match(await registry.metrics(), /sextant_failure_probability\{tenant="default",entity="checkout",horizon="30m"\} [0-9.e-]+/);

  // The demo goes on: its next critical alerts, each the failure of one scenario incident.
  await ingest(NEXT);
  const nextSeries = await loadSeries(warehouse, TENANT, { start: RANGE.start, end: NEXT.end });
  const nextAlerts = (await replayAlertPeriods(NEXT, nextSeries)).filter((a) => a.startsAt > NEXT.start + 4 * HOUR);
  const failures = [
    { alertname: 'ServiceDown', incident: 'oom_restart' },
    { alertname: 'DiskAlmostFull', incident: 'disk_fill' },
    { alertname: 'HighErrorRatio', incident: 'error_burst' },
  ].map(({ alertname, incident }) => {
    const alert = nextAlerts.find((a) => a.alertname === alertname)!;
    assert.ok(alert, `no ${alertname} after ${new Date(NEXT.start).toISOString()}`);
    // Alerts are replayed on 5-minute rollups, stamped at their bucket's start.
    const cause = source.scenario.incidents(NEXT).find((i) => i.kind === incident && i.start - 5 * MIN <= alert.startsAt && alert.startsAt < i.end + 10 * MIN)!;
    assert.ok(cause, `${alertname} at ${new Date(alert.startsAt).toISOString()} is not the failure of a ${incident} incident`);
    assert.equal(alert.entity, incident === 'disk_fill' ? hostOf(cause.labels['instance']!) : cause.entity);
    // The failure starts with the alert, or with the incident where the alert lags it (a burst fires
    // once two 5-minute rollups are above 10 %); a disk fill's failure is the full disk, not its start.
    return { ...alert, failsAt: incident === 'disk_fill' ? alert.startsAt : Math.min(alert.startsAt, cause.start) };
  });
  // What the Predictions page lists at `at`: the predictions of the run at `at` (then the latest per
  // entity), highest first.
  const pageAt = async (at: number) => {
    clock = at;
    await predict.predictAll();
    return (await predictions.listPredictions(TENANT, { from: at, to: at + 1, limit: 100 })).sort((a, b) => b.probability - a.probability);
  };
  for (const alert of failures) {
    const risk = async (minutesBefore: number[]) => {
      const pages = [];
      for (const m of minutesBefore) pages.push(await pageAt(alert.failsAt - m * MIN));
      return pages;
    };
    const hoursBefore = await risk([180, 90]);
    const justBefore = await risk([20, 5]);
    const of = (page: Prediction[]) => page.find((p) => p.entity === alert.entity)!.probability;
    const early = Math.max(...hoursBefore.map(of));
    const late = Math.max(...justBefore.map(of));
    const what = `${alert.alertname} on ${alert.entity} at ${new Date(alert.failsAt).toISOString()}: risk ${hoursBefore.map(of).map((p) => p.toFixed(3))} 3 h and 90 min before, ${justBefore.map(of).map((p) => p.toFixed(3))} 20 and 5 min before`;
    // 20 % is where the page's badge turns from green to orange.
    assert.ok(late >= 0.2, `${what}: not shown as a risk (below 20 %)`);
    assert.ok(late > 4 * early && early < 0.1, `${what}: no rise`);
    const top = justBefore.find((page) => of(page) === late)!;
    assert.equal(top[0]!.entity, alert.entity, `${what}: not first on the page: ${JSON.stringify(top.map((p) => [p.entity, p.probability]))}`);
    assert.ok(top.slice(1).every((p) => p.probability < 0.1), `${what}: others at risk too: ${JSON.stringify(top.map((p) => [p.entity, p.probability]))}`);
  }
});
