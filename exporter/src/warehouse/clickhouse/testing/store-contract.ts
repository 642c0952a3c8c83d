// The store contract: every store of the service (warehouse/stores.ts) on ClickHouse answers as on
// DuckDB, on the same writes, and both answer what the writes imply (computed here, independently
// of either engine). The caller gives the ClickHouse engine: chDB (26.7 in process) or a real
// server (Debian's 18.16).
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Series } from '@sextant/core';
import { alertInstancesOf } from '@sextant/core/alerts';
import type { Prediction, TrainedPredictor } from '@sextant/core/predict';
import type { Recommendation } from '@sextant/core/recommend';
import { describeExplanation, type Evidence } from '@sextant/core/anomaly';
import type { AlertObservation } from '../../alert-store.js';
import type { AnomalyEvent, PointBatch, SeriesScoringState } from '../../anomaly-store.js';
import type { AuditEntry } from '../../audit-store.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../../duckdb-warehouse.js';
import type { StoredReport } from '../../report-store.js';
import type { ServiceWarehouse } from '../../stores.js';
import { ClickHouseConnection } from '../clickhouse-connection.js';
import { openClickHouseWarehouse } from '../clickhouse-warehouse.js';
import { createTables } from '../clickhouse-schema.js';
import { STORE_TABLES } from '../clickhouse-store-schema.js';
import { seriesId } from '../../series-id.js';
import { closeContract } from './close-contract.js';
import { referenceContract } from './reference-contract.js';
import { alertEventsMigrationContract } from './alert-events-migration-contract.js';
import { sharedAlertsContract } from './shared-alerts-contract.js';
import type { ClickHouseTarget } from './warehouse-contract.js';

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Date.UTC(2026, 10, 10, 12);
const T0 = NOW - 3 * DAY;

/** Deep equality, numbers to 1e-12 relative (18.16 parses float text up to one ulp off). */
export function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${path}: ${actual} on ClickHouse, ${expected} expected`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertClose(actual[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object' && !(expected instanceof Float64Array)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

function seriesOf(dataset: string, start: number, end: number, step: number): Series[] {
  const make = (instance: string, job: string, service: string | undefined, k: number): Series => {
    const samples = [];
    for (let t = start; t < end; t += step) samples.push({ t, v: ((t / step) * (k + 3)) % 17 + k + (dataset.includes('ratio') ? 0.001 * t / H : 0) });
    return { labels: { __name__: dataset, instance, job, ...(service ? { service } : {}) }, samples };
  };
  return [make('a:1', 'api', 'checkout', 0), make("b'\\:1", 'api', undefined, 1), make('c:1', 'db', 'store', 2)];
}

const database = `sextant_stores_${process.pid}`;

export function storeContract(connect: () => Promise<ClickHouseTarget>, disconnect: () => Promise<void> = async () => {}): void {
  let client: ClickHouseClient;
  let other: ClickHouseClient;
  let cluster: string | undefined;
  let duck: ServiceWarehouse;
  let ch: ServiceWarehouse;
  let dir: string;
  const both = (): ServiceWarehouse[] => [duck, ch];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sextant-store-contract-'));
    const target = await connect();
    client = target.client;
    other = target.other ?? target.client;
    cluster = target.cluster;
    duck = await openDuckDbWarehouse({ path: ':memory:', retentionMs: DEFAULT_RETENTION_MS, now: () => NOW });
    ch = await openClickHouseWarehouse({
      connection: new ClickHouseConnection(client, database, target.cluster),
      retentionMs: DEFAULT_RETENTION_MS,
      now: () => NOW,
      alerts: { dir: join(dir, 'intake') },
    });
    for (const w of both()) {
      for (const dataset of ['http_requests_per_second', 'up', 'node_memory_used_ratio']) {
        await w.replaceWindow('t1', dataset, { start: T0, end: T0 + 2 * DAY }, seriesOf(dataset, T0, T0 + 2 * DAY, 5 * 60_000));
        await w.recordIngestRun({ tenant: 't1', dataset, window: { start: T0, end: T0 + 2 * DAY }, rows: 3 * 576, status: 'ok', durationMs: 5, finishedAt: T0 + 2 * DAY });
      }
      await w.recordIngestRun({ tenant: 't1', dataset: 'up', window: { start: T0 + 2 * DAY, end: T0 + 3 * DAY }, rows: 0, status: 'error', error: 'source: 503', durationMs: 9, finishedAt: T0 + DAY + H });
      await w.rollup();
    }
  });

  after(() => closeContract([duck, ch, client], disconnect, dir));

  test('audit log: filters and pages newest first', async () => {
    const entries: AuditEntry[] = Array.from({ length: 7 }, (_, i) => ({
      tenant: i === 3 ? 't2' : 't1',
      at: T0 + i * H,
      tokenName: i % 2 ? 'ci' : "o'brien",
      role: 'admin',
      action: i % 3 ? 'report.generate' : 'recommendation.apply',
      ...(i % 2 ? { target: `r${i}` } : {}),
      request: 'POST /api/v1/x',
      ...(i === 4 ? { detail: '{"a":"\\n"}' } : {}),
      status: i === 5 ? 403 : 200,
      result: i === 5 ? 'denied' : 'ok',
      ...(i === 5 ? { error: 'forbidden' } : {}),
    }));
    for (const w of both()) for (const e of entries) await w.audit.record(e);
    const mine = entries.filter((e) => e.tenant === 't1').reverse();
    for (const w of both()) {
      const all = await w.audit.list('t1', { limit: 10 });
      assert.deepEqual(all.map(({ id: _, ...e }) => e), mine);
      assert.ok(all.every((e, i) => i === 0 || e.id < all[i - 1]!.id), 'ids decrease');
      const page1 = await w.audit.list('t1', { limit: 2 });
      const page2 = await w.audit.list('t1', { limit: 2, before: page1[1]!.id });
      assert.deepEqual([...page1, ...page2].map((e) => e.at), mine.slice(0, 4).map((e) => e.at));
      const filtered = await w.audit.list('t1', { limit: 10, actions: ['report.generate'], results: ['ok'], tokenName: 'ci', from: T0 + H, to: T0 + 7 * H });
      assert.deepEqual(filtered.map((e) => e.at), mine.filter((e) => e.action === 'report.generate' && e.result === 'ok' && e.tokenName === 'ci').map((e) => e.at));
    }
  });

  test('predictions: models replaced by version, latest per horizon, predictions replaced per key', async () => {
    const model = (version: number, horizonMs: number, trainRows: number) =>
      ({ version, horizonMs, windowMs: H, stepMs: 60_000, severities: ['critical'], trainedAt: T0 + version, trainingRange: { start: T0, end: T0 + DAY },
        featureNames: ['a', "b'"], evaluation: { precision: 0.5 }, trainRows, testRows: 3, forest: { trees: [] } }) as unknown as TrainedPredictor;
    const prediction = (entity: string, horizonMs: number, at: number, probability: number): Prediction =>
      ({ entity, horizonMs, at, probability, modelVersion: 2, ongoing: entity === 'db', contributions: [{ feature: 'a', value: 1, contribution: 0.25 }] }) as Prediction;
    for (const w of both()) {
      assert.equal(await w.predictions.nextVersion('t1'), 1);
      await w.predictions.saveModel('t1', model(1, H, 10));
      await w.predictions.saveModel('t1', model(2, 6 * H, 20));
      await w.predictions.saveModel('t1', model(3, H, 30));
      await w.predictions.saveModel('t1', model(3, H, 31));
      assert.equal(await w.predictions.nextVersion('t1'), 4);
      assert.deepEqual((await w.predictions.latestModels('t1')).map((m) => [m.version, m.horizonMs, m.trainRows]), [[3, H, 31], [2, 6 * H, 20]]);
      assert.deepEqual((await w.predictions.listModels('t1', 2)).map((m) => [m.version, m.trainRows, m.featureNames]), [[3, 31, ['a', "b'"]], [2, 20, ['a', "b'"]]]);
      await w.predictions.savePredictions('t1', [prediction('api', H, T0, 0.1), prediction('api', H, T0 + H, 0.2), prediction('db', H, T0 + H, 0.7)]);
      await w.predictions.savePredictions('t1', [prediction('api', H, T0 + H, 0.3)]);
      assert.deepEqual((await w.predictions.listPredictions('t1', { limit: 10 })).map((p) => [p.entity, p.at, p.probability, p.ongoing]), [
        ['db', T0 + H, 0.7, true],
        ['api', T0 + H, 0.3, false],
        ['api', T0, 0.1, false],
      ]);
      assert.deepEqual((await w.predictions.listPredictions('t1', { limit: 10, latest: true, entity: 'api' })).map((p) => [p.at, p.probability]), [[T0 + H, 0.3]]);
      assert.deepEqual((await w.predictions.listPredictions('t1', { limit: 10, from: T0, to: T0 + H })).map((p) => p.at), [T0]);
    }
    assertClose(await ch.predictions.listPredictions('t1', { limit: 10 }), await duck.predictions.listPredictions('t1', { limit: 10 }));
  });

  test('recommendations: lifecycle, outcomes summed per action and context, feedback, audit trail, open counts', async () => {
    const rec = (id: string, status: Recommendation['status'], extra: Partial<Recommendation> = {}): Recommendation => ({
      id, key: `k-${id}`, kind: 'capacity', entity: 'db', action: 'expand-disk', context: 'disk', severity: id === 'r3' ? 'critical' : 'warning',
      priority: Number(id.slice(1)) * 10, title: `Expand ${id}`, explanation: "it's full", evidence: [{ name: 'used', value: 0.9, unit: 'ratio' }],
      verifyWithinMs: H, status, createdAt: T0, updatedAt: T0 + Number(id.slice(1)), ...extra,
    });
    for (const w of both()) {
      const r = w.recommendations;
      await r.save('t1', [rec('r1', 'open'), rec('r2', 'open', { runbookUrl: 'https://x/run', webhook: { url: 'https://x/hook', method: 'POST' } }), rec('r3', 'open')]);
      await r.saveWithOutcomes('t1', [rec('r1', 'applied', { appliedAt: T0 + H, outcome: 'success', outcomeAt: T0 + 2 * H, updatedAt: T0 + 2 * H })], [
        { action: 'expand-disk', context: 'disk', success: true },
        { action: 'restart', context: 'api', success: false },
      ]);
      await r.save('t1', [rec('r2', 'dismissed', { updatedAt: T0 + 3 * H })]);
      await r.addFeedback('t1', rec('r3', 'open'), { recommendationId: 'r3', at: T0 + H, helpful: false, comment: 'no', tokenName: 'ci' });
      await r.audit('t1', { recommendationId: 'r1', at: T0 + H, step: 'requested', detail: 'x', tokenName: 'ci' });
      await r.audit('t1', { recommendationId: 'r1', at: T0 + H, step: 'approved', detail: 'y', tokenName: 'ci' });
      await r.audit('t1', { recommendationId: 'r3', at: T0, step: 'refused', detail: 'z', tokenName: 'ci' });
      assert.equal((await r.get('t1', 'r1'))?.outcome, 'success');
      assert.equal(await r.get('t1', 'nope'), undefined);
      assert.deepEqual((await r.list('t1')).map((x) => [x.id, x.status]), [['r2', 'dismissed'], ['r1', 'applied'], ['r3', 'open']]);
      assert.deepEqual((await r.list('t1', ['open', 'dismissed'], 1)).map((x) => x.id), ['r2']);
      assert.deepEqual((await r.active('t1')).map((x) => x.id).sort(), ['r2', 'r3']);
      const records = await r.actionRecords('t1');
      assert.deepEqual([...records.values()].map((x) => [x.action, x.context, x.successes, x.failures]).sort(), [['expand-disk', 'disk', 1, 1], ['restart', 'api', 0, 1]]);
      assert.deepEqual((await r.auditTrail('t1')).map((x) => x.step), ['refused', 'requested', 'approved']);
      assert.deepEqual((await r.auditTrail('t1', 'r1')).map((x) => x.step), ['requested', 'approved']);
      assert.deepEqual(await r.openCounts(), [{ tenant: 't1', kind: 'capacity', severity: 'critical', count: 1 }]);
    }
    assert.deepEqual(await ch.recommendations.list('t1'), await duck.recommendations.list('t1'));
  });

  test('reports: the index replaces by id, finds scheduled reports, removes the old ones', async () => {
    const report = (id: string, createdAt: number, extra: Partial<StoredReport> = {}): StoredReport => ({
      id, tenant: 't1', period: 'daily', format: 'html', rangeStart: T0, rangeEnd: T0 + DAY, createdAt, trigger: 'schedule', status: 'ok', error: undefined, path: `/r/${id}.html`, bytes: 100, ...extra,
    });
    for (const w of both()) {
      await w.reports.add(report('a', T0));
      await w.reports.add(report('b', T0 + H, { format: 'pdf', status: 'error', error: "can't", path: undefined, bytes: undefined }));
      await w.reports.add(report('c', T0 + 2 * H, { trigger: 'api' }));
      await w.reports.add(report('a', T0, { bytes: 200 }));
      assert.deepEqual((await w.reports.list('t1', 10)).map((r) => r.id), ['c', 'b', 'a']);
      assert.equal((await w.reports.get('t1', 'a'))?.bytes, 200);
      assert.deepEqual(await w.reports.get('t1', 'b'), report('b', T0 + H, { format: 'pdf', status: 'error', error: "can't", path: undefined, bytes: undefined }));
      assert.equal(await w.reports.exists('t1', 'daily', 'html', T0), true);
      assert.equal(await w.reports.exists('t1', 'daily', 'pdf', T0), false, 'failed');
      assert.deepEqual((await w.reports.removeOlderThan(T0 + H)).map((r) => r.id), ['a']);
      assert.deepEqual((await w.reports.list('t1', 10)).map((r) => r.id), ['c', 'b']);
    }
  });

  test('anomalies: new points after each state, scored history, open events, filtered events', async () => {
    const dataset = 'http_requests_per_second';
    const points = (w: ServiceWarehouse, limit: number) => w.anomalies.newPoints('t1', dataset, limit);
    const labelsOf = await duck.anomalies.seriesLabels('t1', dataset);
    const ids = ['a:1', "b'\\:1", 'c:1'].map((instance) => [...labelsOf].find(([, l]) => l.instance === instance)![0]);
    const state = (seriesId: number, scoredUntil: number, openEventStart: number | null): SeriesScoringState => ({
      seriesId, scoredUntil, state: new Float64Array([1.5, -2, Math.PI]), openEventStart, lastAlarm: openEventStart && openEventStart + H,
    });
    const event = (seriesId: number, start: number, end: number, peakScore: number, severity: string): AnomalyEvent => ({
      tenant: 't1', dataset, seriesId, labels: {}, start, end, peakScore, peakAt: start, explainedAt: start, explainedScore: peakScore,
      severity, detector: 'seasonal', value: 10.1, expected: 3.3, lower: 1, upper: 5, deviation: 4.25,
    });
    const scoredUntil = T0 + DAY;
    for (const w of both()) {
      assert.equal((await w.anomalies.states('t1', dataset)).size, 0);
      const first = await points(w, 100);
      assert.equal(first.ts.length, 100);
      await w.anomalies.saveRun('t1', dataset, [state(ids[0]!, scoredUntil, T0 + 20 * H), state(ids[1]!, scoredUntil, null)], [
        event(ids[0]!, T0 + 2 * H, T0 + 3 * H, 0.95, 'high'),
        event(ids[0]!, T0 + 20 * H, T0 + 21 * H, 0.99, 'critical'),
        event(ids[1]!, T0 + 5 * H, T0 + 6 * H, 0.8, 'medium'),
      ]);
      // The open event grows in the next run: same series and start, replaced.
      await w.anomalies.saveRun('t1', dataset, [state(ids[0]!, scoredUntil, T0 + 20 * H)], [event(ids[0]!, T0 + 20 * H, T0 + 23 * H, 0.999, 'critical')]);
      const states = await w.anomalies.states('t1', dataset);
      assert.deepEqual([...states.keys()].sort(), [ids[0], ids[1]].sort());
      assert.deepEqual([...states.get(ids[0]!)!.state], [1.5, -2, Math.PI]);
      const after = await points(w, 1e6);
      const perSeries = 2 * DAY / (5 * 60_000);
      const scoredPerSeries = DAY / (5 * 60_000) + 1;
      assert.equal(after.ts.length, 3 * perSeries - 2 * scoredPerSeries, 'points after scoredUntil for two series, all of the third');
      assert.ok(after.ts.every((t, i) => after.seriesIds[i] === ids[2] || t > scoredUntil));
      const history: PointBatch = { seriesIds: [], ts: [], values: [] };
      await w.anomalies.scoredHistory('t1', dataset, (b) => {
        history.seriesIds.push(...b.seriesIds);
        history.ts.push(...b.ts);
        history.values.push(...b.values);
      });
      assert.equal(history.ts.length, 2 * scoredPerSeries);
      const open = await w.anomalies.openEvents('t1', dataset);
      assert.deepEqual([...open.keys()], [ids[0]], w === duck ? 'duckdb' : 'clickhouse');
      assert.equal(open.get(ids[0]!)!.end, T0 + 23 * H);
      const labels = await w.anomalies.seriesLabels('t1', dataset);
      assert.equal(labels.get(ids[1]!)?.instance, "b'\\:1");
      const events = await w.anomalies.events('t1', { limit: 10 });
      assert.deepEqual(events.map((e) => [e.start, e.peakScore]), [[T0 + 20 * H, 0.999], [T0 + 5 * H, 0.8], [T0 + 2 * H, 0.95]]);
      const filtered = await w.anomalies.events('t1', { limit: 10, matchers: [{ label: 'instance', op: '=~', value: "a.*|b'.*" }, { label: 'service', op: '!=', value: 'x' }], minScore: 0.9, severities: ['high', 'critical'], from: T0 + 2 * H, to: T0 + 21 * H });
      assert.deepEqual(filtered.map((e) => e.start), [T0 + 20 * H, T0 + 2 * H], w === duck ? 'duckdb' : 'clickhouse');
      assert.deepEqual((await w.anomalies.events('t1', { limit: 10, matchers: [{ label: 'service', op: '=', value: '' }] })).map((e) => e.labels.instance), ["b'\\:1"]);
      // A replica's share: only the series asked for, the limit counted over them.
      const share = [ids[0]!, ids[2]!].sort((x, y) => x - y);
      const mine = await w.anomalies.newPoints('t1', dataset, 1e6, share);
      assert.deepEqual(mine, { seriesIds: after.seriesIds.filter((id) => share.includes(id)), ts: after.ts.filter((_, i) => share.includes(after.seriesIds[i]!)), values: after.values.filter((_, i) => share.includes(after.seriesIds[i]!)) });
      assert.equal((await w.anomalies.newPoints('t1', dataset, 7, share)).ts.length, 7);
      assert.deepEqual([...(await w.anomalies.states('t1', dataset, share)).keys()], [ids[0]]);
      assert.deepEqual([...(await w.anomalies.openEvents('t1', dataset, [ids[1]!])).keys()], []);
      assert.deepEqual([...(await w.anomalies.openEvents('t1', dataset, share)).keys()], [ids[0]]);
      assert.equal((await w.anomalies.newPoints('t1', dataset, 1e6, [])).ts.length, 0, 'an empty share reads nothing');
    }
    assertClose(await ch.anomalies.events('t1', { limit: 10 }), await duck.anomalies.events('t1', { limit: 10 }));
    assertClose(await ch.anomalies.newPoints('t1', dataset, 1e6), await duck.anomalies.newPoints('t1', dataset, 1e6));
  });

  test('anomalies: an event keeps its evidence (members named by series, a persisted alarm) and its explanation; one without has none', async () => {
    const tenant = 'evidence';
    const dataset = 'up';
    const evidence: Evidence = {
      members: [
        { index: 2, deviation: -7.25, name: 'up{instance="c:1",job="db \\"x\\""}' },
        { index: 0, deviation: 3.5e-9, name: "http_error_ratio{job=\"api\",note=\"ünï ☃ 'q'\"}" },
      ],
      persisted: { t: T0 + H, value: 0.1 + 0.2, expected: 1 / 3, lower: -1e-300, upper: 1.7976931348623157e308, deviation: 12.5, detector: 'robust-level', large: 8, of: 10, sigmas: 5 },
      driftMean: -0.012345678901234567,
    };
    const event = (seriesId: number, start: number, withEvidence?: Evidence): AnomalyEvent => ({
      tenant, dataset, seriesId, labels: {}, start, end: start + 10 * 60_000, peakScore: 0.97, peakAt: start, explainedAt: start, explainedScore: 0.97,
      severity: 'critical', detector: 'isolation-forest', value: 0.3, expected: 1 / 3, lower: 0.1, upper: 0.5, deviation: 12.5, ...(withEvidence ? { evidence: withEvidence } : {}),
    });
    for (const w of both()) {
      await w.replaceWindow(tenant, dataset, { start: T0, end: T0 + H }, seriesOf(dataset, T0, T0 + H, 5 * 60_000).slice(0, 1));
      const [seriesId] = [...(await w.anomalies.seriesLabels(tenant, dataset)).keys()];
      const written = [event(seriesId!, T0 + 30 * 60_000, evidence), event(seriesId!, T0)];
      const state: SeriesScoringState = { seriesId: seriesId!, scoredUntil: T0 + H, state: new Float64Array([1]), openEventStart: T0 + 30 * 60_000, lastAlarm: T0 + 40 * 60_000 };
      await w.anomalies.saveRun(tenant, dataset, [state], written);
      const read = await w.anomalies.events(tenant, { limit: 10 });
      const where = w === duck ? 'duckdb' : 'clickhouse';
      assert.deepEqual(read.map((e) => e.evidence), [evidence, undefined], where);
      assert.ok(!('evidence' in read[1]!), `${where}: an event without evidence has no evidence key`);
      assert.deepEqual(read.map(describeExplanation), written.map(describeExplanation), where);
      assert.match(describeExplanation(read[0]!), /^persistent departure: the robust-level alarm at /);
      assert.deepEqual((await w.anomalies.openEvents(tenant, dataset)).get(seriesId!)?.evidence, evidence, `${where}: the open event carries it into the next run`);
    }
    assertClose(await ch.anomalies.events(tenant, { limit: 10 }), await duck.anomalies.events(tenant, { limit: 10 }));
  });

  test('a warehouse whose anomaly_events predate the evidence column gets it when opened: old events read back without evidence, new ones with it', async () => {
    const db = new ClickHouseConnection(client, `sextant_before_evidence_${process.pid}`, cluster);
    const { added: _, ...before } = STORE_TABLES.find((t) => t.name === 'anomaly_events')!;
    await createTables(db, [before]);
    const labels = { job: 'api' };
    const old = {
      tenant: 't1', dataset: 'latency', series_id: seriesId('t1', 'latency', labels), start_ms: T0, end_ms: T0 + H, peak_score: 0.9, peak_ms: T0,
      explained_ms: T0, explained_score: 0.9, severity: 'high', detector: 'drift', value: 0.41, expected: 0.4, lower_band: 0.3, upper_band: 0.5, deviation: 0.2, version: 1,
    };
    await db.insert('anomaly_events', [old]);
    const w = await openClickHouseWarehouse({ connection: db, retentionMs: DEFAULT_RETENTION_MS, now: () => NOW, alerts: { dir: join(dir, 'intake-before-evidence') } });
    try {
      await w.replaceWindow('t1', 'latency', { start: T0, end: T0 + H }, [{ labels, samples: [{ t: T0, v: 0.41 }] }]);
      const [read] = await w.anomalies.events('t1', { limit: 10 });
      assert.ok(read && !('evidence' in read), JSON.stringify(read));
      assert.match(describeExplanation(read), /^drift: a slow departure, .*; 0\.41 is 0\.2 σ above the expected 0\.4 \(band 0\.3 – 0\.5\)$/);
      const evidence: Evidence = { driftMean: 0.0123, driftSigmas: 4.56, driftPoints: 50, driftMs: 50 * 60_000 };
      await w.anomalies.saveRun('t1', 'latency', [], [{ ...read, start: T0 + 2 * H, end: T0 + 3 * H, evidence }]);
      assert.deepEqual((await w.anomalies.events('t1', { limit: 10 })).map((e) => e.evidence), [evidence, undefined]);
    } finally {
      await w.close();
      await db.run(`DROP DATABASE IF EXISTS ${db.database}${db.onCluster}`);
    }
  });

  test('alert history: state changes once, instances, open alerts, history; re-deliveries write nothing', async () => {
    const obs = (fingerprint: string, startsAtMs: number, state: AlertObservation['state'], extra: Partial<AlertObservation> = {}): AlertObservation => ({
      tenant: 't1', fingerprint, startsAtMs, state, endsAtMs: state === 'resolved' ? startsAtMs + 2 * H : null,
      labels: { alertname: 'DiskFull', service: 'db', severity: 'critical' }, annotations: fingerprint === 'f1' ? { runbook_url: 'https://r' } : {},
      generatorUrl: 'http://prom/graph', receiver: 'sextant', suppressedBy: state === 'silenced' ? ['s-1'] : [], source: 'webhook', ...extra,
    });
    const batches = [
      [obs('f1', T0, 'firing'), obs('f2', T0 + H, 'firing', { labels: { alertname: "It's \"bad\"", job: 'api' } }), obs('f1', T0, 'firing')],
      [obs('f1', T0, 'silenced'), obs('f3', T0 + 30 * H, 'firing')],
      [obs('f1', T0, 'resolved'), obs('f1', T0, 'firing'), obs('f2', T0 + H, 'firing')],
    ];
    for (const w of both()) {
      const counts = [];
      for (const b of batches) counts.push(await w.alerts.record(b));
      assert.deepEqual(counts, [2, 2, 1]);
      assert.deepEqual(await w.alerts.tenants(), ['t1']);
      const instances = alertInstancesOf(await w.alerts.instances('t1', T0, T0 + 2 * DAY));
      assert.deepEqual(instances.map((i) => [i.fingerprint, i.alertname, i.service, i.endsAtMs, i.silenced, i.hasRunbook]), [
        ['f1', 'DiskFull', 'db', T0 + 2 * H, true, true],
        ['f2', "It's \"bad\"", 'api', null, false, false],
        ['f3', 'DiskFull', 'db', null, false, false],
      ]);
      assert.deepEqual(alertInstancesOf(await w.alerts.overlapping('t1', T0 + 3 * H, T0 + 4 * H)).map((i) => i.fingerprint), ['f2']);
      // A rule has a runbook when any of its instances in the range had one: f1's, not f3's.
      assert.deepEqual(await w.alerts.rules('t1', T0, T0 + 2 * DAY), [{ alertname: 'DiskFull', hasRunbook: true }, { alertname: "It's \"bad\"", hasRunbook: false }]);
      assert.deepEqual(await w.alerts.rules('t1', T0 + H, T0 + 2 * DAY), [{ alertname: 'DiskFull', hasRunbook: false }, { alertname: "It's \"bad\"", hasRunbook: false }]);
      assert.deepEqual(await w.alerts.rules('t1', T0 + 31 * H, T0 + 2 * DAY), []);
      assert.deepEqual((await w.alerts.open('t1')).map((o) => [o.fingerprint, o.state, o.observedAtMs]).sort(), [['f2', 'firing', NOW], ['f3', 'firing', NOW]]);
      const history = await w.alerts.history('t1', { fingerprint: 'f1', limit: 10 });
      assert.deepEqual(history.map((h) => [h.seq, h.state, h.endsAtMs, h.suppressedBy]), [[2, 'resolved', T0 + 2 * H, []], [1, 'silenced', null, ['s-1']], [0, 'firing', null, []]]);
      assert.equal((await w.alerts.history('t1', { limit: 10, fromMs: T0 + H, toMs: T0 + 2 * H })).length, 1);
    }
    assert.deepEqual(await ch.alerts.history('t1', { limit: 100 }), await duck.alerts.history('t1', { limit: 100 }));
  });

  test('report inputs answer as on DuckDB over every table', async () => {
    const settings = { objectives: {}, defaultObjective: 0.99, capacityThreshold: 0.9 };
    const range = { start: T0, end: T0 + 2 * DAY };
    const expected = await duck.reportInputs.read('t1', 'daily', range, settings, NOW);
    assert.ok(expected.services.length > 0 && expected.alerts.length === 3 && expected.anomalies.length === 3 && expected.capacity.length === 3);
    assert.ok(expected.risk.length > 0 && expected.recommendations.length > 0 && expected.ingest.length === 3);
    assert.equal(expected.ingest.find((i) => i.dataset === 'up')?.lastError, 'source: 503');
    assertClose(await ch.reportInputs.read('t1', 'daily', range, settings, NOW), expected);
  });

  const sharedAlerts = () => ({ clients: [client, other] as [ClickHouseClient, ClickHouseClient], database, ...(cluster ? { cluster } : {}), dir: join(dir, 'shared-alerts'), start: T0 });
  sharedAlertsContract(sharedAlerts);
  alertEventsMigrationContract(sharedAlerts);

  referenceContract(() => ({
    duck,
    ch,
    dir,
    dataset: 'http_requests_per_second',
    series: seriesOf('http_requests_per_second', T0, T0 + 2 * DAY, 5 * 60_000),
    range: { start: T0, end: T0 + 2 * DAY },
  }));
}
