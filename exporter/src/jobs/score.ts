// Score: after ingest, every series with new points in the warehouse is scored by its streaming
// detector (state kept per series in the warehouse, so a restart continues; a series seen for the
// first time is trained on all its history already there, so it scores sensibly from its first
// live point; history backfilled later is learnt through retrain.ts). Series of one service or host (see seriesGroupOf) are also scored together by the
// group's isolation forest, and each point's score is the larger of its own and the group's. The
// latest score, level and band of each series are exported as gauges with the series' labels,
// and anomaly events are stored for the API. Replicas sharing a warehouse each score their own
// share of the series (score-share.ts) and export only those.
import {
  DEFAULT_EVENT_OPTIONS,
  DEFAULT_GROUP_OPTIONS,
  GroupDetector,
  UnivariateDetector,
  seriesGroupOf,
  type EventOptions,
  type GroupOutcome,
  type GroupRun,
  type OpenEvent,
  type RunSeries,
  type ScoredPoint,
  type SeriesOutcome,
} from '@sextant/core/anomaly';
import type { Labels } from '@sextant/core';
import { groupBy } from '@sextant/core/collections';
import { Counter, type Registry } from 'prom-client';
import type { SeriesFamilies } from '../metrics/series-gauge-family.js';
import type { Logger } from '../log.js';
import type { DatasetDefinition } from '../sources/metrics-source.js';
import type { AnomalyEvent, AnomalyStore, PointBatch, SeriesScoringState, SeriesSubset } from '../warehouse/anomaly-store.js';
import type { AnomalyConfig } from '../config/sections/anomaly.js';
import { yieldToEventLoop } from '../event-loop.js';
import type { Job } from './job.js';
import { retrainDataset, type RetrainRequests } from './retrain.js';
import { groupStateId, memberName, membershipOf, type GroupMember } from './score-groups.js';
import { ScoreGauges } from './score-gauges.js';
import { coreWorkers } from '../worker-pool.js';
import { splitByShare } from './score-share.js';
import type { ReplicaSharing } from '../replicas/membership.js';
import { WHOLE, type Share } from '../replicas/share.js';

export interface ScoreJobDeps {
  store: AnomalyStore;
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  families: SeriesFamilies;
  log: Logger;
  intervalMs: number;
  scoring?: ScoringOptions;
  /** Datasets to re-train on their history (after a backfill) before the next scoring. */
  retrain?: RetrainRequests;
  /** Told of the anomaly events each run opened, once they are saved (the API's live events). */
  onNewEvents?: (tenant: string, events: readonly AnomalyEvent[]) => void;
  /** Set when several replicas share the warehouse: this one scores only its share of the series. */
  replicas?: ReplicaSharing;
}

export interface ScoringOptions {
  events: EventOptions;
  /** Most points read per dataset and run; the rest waits for the next run. */
  maxPointsPerRun: number;
  /**
   * Larger groups are scored series by series (0: every series alone). An isolation forest picks
   * split features at random, so among many members one odd series is rarely split on, and the
   * group's state grows by 8 KB per member (its training ring).
   */
  maxGroupSize: number;
}

export const DEFAULT_SCORING_OPTIONS: ScoringOptions = { events: DEFAULT_EVENT_OPTIONS, maxPointsPerRun: 2_000_000, maxGroupSize: 32 };

export function scoringFromConfig(anomaly: AnomalyConfig): ScoringOptions {
  return {
    ...DEFAULT_SCORING_OPTIONS,
    events: { threshold: anomaly.eventThreshold, mergeGapMs: anomaly.eventMergeGap },
    maxGroupSize: anomaly.maxGroupSize,
  };
}

/**
 * Group detector states are kept beside the series' states, under this pseudo-dataset (no real
 * dataset can be named so: dataset names are Prometheus metric names), keyed by `groupStateId`.
 */
export const GROUP_STATE_DATASET = 'sextant:groups';

export function createScoreJob(deps: ScoreJobDeps): Job {
  const scoring = deps.scoring ?? DEFAULT_SCORING_OPTIONS;
  const gauges = new ScoreGauges(deps.families);
  const scored = new Counter({ name: 'sextant_score_points_total', help: 'Points scored for anomalies.', labelNames: ['dataset'], registers: [deps.registry] });
  const opened = new Counter({ name: 'sextant_anomaly_events_total', help: 'Anomaly events opened.', labelNames: ['dataset', 'severity'], registers: [deps.registry] });
  return {
    name: 'score',
    intervalMs: deps.intervalMs,
    async run(signal: AbortSignal): Promise<void> {
      const tenants = [...new Set(deps.datasets.map((d) => d.tenant))];
      const sharing = deps.replicas ? { share: await deps.replicas.claim('score'), holdsLease: () => deps.replicas!.holdsLease() } : undefined;
      for (const tenant of tenants) {
        if (signal.aborted) return;
        const datasets = deps.datasets.filter((d) => d.tenant === tenant);
        // (With replicas, the backfill's replica re-trains, while holding every series' scoring.)
        for (const dataset of deps.retrain?.take(tenant) ?? []) {
          try {
            await retrainDataset(deps.store, tenant, dataset, deps.log);
          } catch (error) {
            deps.log.error('score: re-training a dataset on its history failed, it is retried on the next run', { tenant, dataset, error });
            deps.retrain!.request(tenant, [dataset]);
          }
        }
        try {
          const result = await scoreTenant(deps.store, tenant, datasets, scoring, gauges, deps.log, sharing, signal);
          for (const [dataset, points] of result.points) scored.inc({ dataset }, points);
          for (const e of result.newEvents) opened.inc({ dataset: e.dataset, severity: e.severity });
          if (result.newEvents.length > 0) deps.onNewEvents?.(tenant, result.newEvents);
        } catch (error) {
          deps.log.error('score: tenant failed, it is retried on the next run', { tenant, datasets: datasets.map((d) => d.name), error });
        }
      }
    },
  };
}

/** A series of the tenant: what the warehouse knows of it, and its new points. */
interface Member extends GroupMember {
  labels: Labels;
  saved: SeriesScoringState | undefined;
  carried: AnomalyEvent | undefined;
  ts: Float64Array;
  values: Float64Array;
  /** Its dataset's read was cut at the point limit, so later points of other series wait for it. */
  truncated: boolean;
}

/**
 * Scores the new points of a tenant's datasets, series alone or with their group, in the service's
 * worker thread (a first run scores weeks of points: seconds of work the event loop never holds);
 * then saves each dataset's states and events in one transaction per dataset, and the groups' states
 * last (a crash in between costs the groups the points already scored, never a series' continuity).
 */
export async function scoreTenant(
  store: AnomalyStore,
  tenant: string,
  datasets: readonly DatasetDefinition[],
  scoring: ScoringOptions,
  gauges?: ScoreGauges,
  log?: Logger,
  sharing: TenantSharing = { share: WHOLE, holdsLease: () => true },
  signal?: AbortSignal,
): Promise<{ points: Map<string, number>; newEvents: AnomalyEvent[] }> {
  // Every series of the tenant, then this replica's share of them (the whole with one process).
  const labelsByDataset = new Map<string, Map<number, Labels>>();
  const series: (GroupMember & { labels: Labels })[] = [];
  for (const dataset of datasets) {
    try {
      const labels = await store.seriesLabels(tenant, dataset.name);
      labelsByDataset.set(dataset.name, labels);
      for (const [seriesId, l] of labels) series.push({ dataset: dataset.name, seriesId, labels: l });
    } catch (error) {
      // A share drawn without some dataset's series could split a group between replicas.
      if (sharing.share !== WHOLE) throw error;
      log?.error('score: reading a dataset failed, it is retried on the next run', { tenant, dataset: dataset.name, error });
    }
  }
  const split = splitByShare(series, sharing.share, tenant, scoring.maxGroupSize);
  // Another replica's series are exported by that replica only.
  if (gauges) for (const m of split.others) gauges.remove(tenant, m);
  const owned = groupBy(split.owned, (m) => m.dataset);
  const members: Member[] = [];
  for (const [dataset, labels] of labelsByDataset) {
    const only = sharing.share === WHOLE ? undefined : (owned.get(dataset) ?? []).map((m) => m.seriesId).sort((a, b) => a - b);
    try {
      members.push(...(await membersOf(store, tenant, dataset, labels, scoring.maxPointsPerRun, log, only)));
    } catch (error) {
      log?.error('score: reading a dataset failed, it is retried on the next run', { tenant, dataset, error });
    }
  }
  const byGroup = groupBy(members, (m) => seriesGroupOf(m.labels));
  const alone = byGroup.get(undefined) ?? [];
  byGroup.delete(undefined);
  const groups = byGroup as Map<string, Member[]>;
  const groupStates = await store.states(tenant, GROUP_STATE_DATASET);
  // Each series' points are settled (events, state, latest point) in the worker: a run's scored
  // points never cross to the event loop (a first run scores millions).
  const results = new Map<Member, Settled>();
  const newGroupStates: SeriesScoringState[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.seriesId - b.seriesId));
    if (!split.together.has(key)) {
      alone.push(...group);
      continue;
    }
    if (!group.some((m) => m.ts.length > 0)) continue;
    const id = groupStateId(key);
    const outcome = await scoreGroup(group, groupStates.get(id), scoring.events, signal);
    outcome.members.forEach((o, i) => o && results.set(group[i]!, settle(tenant, group[i]!, o)));
    if (outcome.group) newGroupStates.push({ seriesId: id, ...outcome.group, openEventStart: null, lastAlarm: null });
  }
  for (const batch of batchesOf(alone.filter((m) => m.ts.length > 0))) {
    const outcomes = await coreWorkers.run<(SeriesOutcome | undefined)[]>(
      { module: '@sextant/core/anomaly', name: 'scoreSeriesRun' },
      [batch.map(runSeriesOf), scoring.events],
      signal,
      batch.flatMap(buffersOf),
    );
    outcomes.forEach((o, i) => o && results.set(batch[i]!, settle(tenant, batch[i]!, o)));
  }

  const pointsByDataset = new Map<string, number>();
  const newEvents: AnomalyEvent[] = [];
  for (const dataset of datasets) {
    const newStates: SeriesScoringState[] = [];
    const touched: AnomalyEvent[] = [];
    let count = 0;
    for (const m of members) {
      const result = results.get(m);
      if (m.dataset !== dataset.name || !result) continue;
      count += result.points;
      touched.push(...result.touched);
      newEvents.push(...result.opened);
      newStates.push(result.state);
      gauges?.set(tenant, m, result.last);
    }
    if (newStates.length === 0) continue;
    checkLease(sharing);
    await store.saveRun(tenant, dataset.name, newStates, touched);
    pointsByDataset.set(dataset.name, count);
  }
  if (newGroupStates.length > 0) {
    checkLease(sharing);
    await store.saveRun(tenant, GROUP_STATE_DATASET, newGroupStates, []);
  }
  return { points: pointsByDataset, newEvents };
}

/** What a run keeps of a series once its points are scored. */
interface Settled {
  points: number;
  state: SeriesScoringState;
  /** Events the points opened or extended, and of those the ones they opened. */
  touched: AnomalyEvent[];
  opened: AnomalyEvent[];
  last: ScoredPoint;
}

/** The series' events and state to save, from what its run left. */
function settle(tenant: string, m: Member, outcome: SeriesOutcome): Settled {
  const touched = outcome.touched.map((e) => eventRow(tenant, m.dataset, m.seriesId, m.labels, e));
  const opened = touched.filter((e) => e.start !== m.carried?.start);
  const { last, open } = outcome;
  return {
    points: outcome.points,
    state: { seriesId: m.seriesId, scoredUntil: last.t, state: outcome.state, openEventStart: open?.start ?? null, lastAlarm: open?.end ?? null },
    touched,
    opened,
    last,
  };
}

/** Most points of series alone sent to the worker in one task. */
const POINTS_PER_TASK = 1_000_000;

/** Series alone in batches of about POINTS_PER_TASK points (a series is never split). */
function batchesOf(members: readonly Member[]): Member[][] {
  const batches: Member[][] = [];
  let points = Infinity;
  for (const m of members) {
    if (points + m.ts.length > POINTS_PER_TASK) {
      batches.push([]);
      points = 0;
    }
    batches[batches.length - 1]!.push(m);
    points += m.ts.length;
  }
  return batches;
}

/** A member as the worker's run takes it. */
function runSeriesOf(m: Member): RunSeries {
  return { state: m.saved?.state, open: m.carried ? openEventOf(m.carried) : undefined, ts: m.ts, values: m.values };
}

/** The buffers of a member's points, moved to the worker rather than copied (unusable here afterwards). */
function buffersOf(m: Member): ArrayBuffer[] {
  return [m.ts.buffer as ArrayBuffer, m.values.buffer as ArrayBuffer];
}

/** This replica's share of the series, and whether it may still write results (replicas/membership.ts). */
export interface TenantSharing {
  share: Share;
  holdsLease: () => boolean;
}

function checkLease(sharing: TenantSharing): void {
  if (!sharing.holdsLease()) throw new Error('score: this replica has not written its heartbeat for most of the lease; its share is left to the others');
}

const POINTS_PER_TURN = 200_000;

/**
 * Every series of the dataset (or of `only`) that has new points or a saved state, with its new
 * points. A saved state of another detector version (another length) is dropped: that series
 * starts afresh from its new points, instead of failing on every run.
 */
async function membersOf(
  store: AnomalyStore,
  tenant: string,
  dataset: string,
  labels: ReadonlyMap<number, Labels>,
  maxPoints: number,
  log?: Logger,
  only?: SeriesSubset,
): Promise<Member[]> {
  const [batch, states, openEvents] = await Promise.all([
    store.newPoints(tenant, dataset, maxPoints, only),
    store.states(tenant, dataset, only),
    store.openEvents(tenant, dataset, only),
  ]);
  const truncated = batch.ts.length >= maxPoints;
  const stateLength = UnivariateDetector.stateLength();
  const outdated = [...states.values()].filter((s) => s.state.length !== stateLength);
  if (outdated.length > 0) log?.warn('score: saved detector states of another version are dropped; those series start afresh', { tenant, dataset, series: outdated.length });
  const points = await pointsBySeries(batch);
  // The series from the grouped points, not from the batch's id per point (millions on a first run).
  const ids = [...new Set([...states.keys(), ...points.keys()])].sort((a, b) => a - b);
  return ids.map((seriesId) => ({
    dataset,
    seriesId,
    labels: labels.get(seriesId) ?? {},
    saved: states.get(seriesId)?.state.length === stateLength ? states.get(seriesId) : undefined,
    carried: openEvents.get(seriesId),
    ts: points.get(seriesId)?.ts ?? new Float64Array(0),
    values: points.get(seriesId)?.values ?? new Float64Array(0),
    truncated,
  }));
}

/**
 * Points grouped per series, each series' times and values in arrays of their own (to move to the
 * worker), with a turn for the event loop every POINTS_PER_TURN (a first run reads millions).
 */
async function pointsBySeries(batch: PointBatch): Promise<Map<number, { ts: Float64Array; values: Float64Array }>> {
  const counts = new Map<number, number>();
  for (let i = 0; i < batch.seriesIds.length; i++) {
    if (i > 0 && i % POINTS_PER_TURN === 0) await yieldToEventLoop();
    counts.set(batch.seriesIds[i]!, (counts.get(batch.seriesIds[i]!) ?? 0) + 1);
  }
  const out = new Map<number, { ts: Float64Array; values: Float64Array; filled: number }>();
  for (const [id, n] of counts) out.set(id, { ts: new Float64Array(n), values: new Float64Array(n), filled: 0 });
  for (let i = 0; i < batch.ts.length; i++) {
    if (i > 0 && i % POINTS_PER_TURN === 0) await yieldToEventLoop();
    const series = out.get(batch.seriesIds[i]!)!;
    series.ts[series.filled] = batch.ts[i]!;
    series.values[series.filled++] = batch.values[i]!;
  }
  return out;
}

/**
 * Scores a group in the worker (`scoreGroupRun`). When some member's read was cut, steps stop at the
 * earliest point where a cut member's points end, and the later points of every member wait for the
 * next run. A group whose members changed starts afresh (its forest is refitted after `fitSize` steps).
 */
function scoreGroup(group: readonly Member[], saved: SeriesScoringState | undefined, events: EventOptions, signal?: AbortSignal): Promise<GroupOutcome> {
  const membership = membershipOf(group);
  const length = GroupDetector.groupStateLength(group.length, DEFAULT_GROUP_OPTIONS);
  const continues = saved !== undefined && saved.state[0] === membership && saved.state.length === length + 1;
  let end = Infinity;
  for (const m of group) if (m.truncated && m.ts.length > 0) end = Math.min(end, m.ts[m.ts.length - 1]!);
  const run: GroupRun = {
    members: group.map((m) => ({ ...runSeriesOf(m), name: memberName(m) })),
    group: continues ? { state: saved.state.slice(1), scoredUntil: saved.scoredUntil } : undefined,
    end,
  };
  return coreWorkers
    .run<GroupOutcome>({ module: '@sextant/core/anomaly', name: 'scoreGroupRun' }, [run, events], signal, group.flatMap(buffersOf))
    .then((outcome) => ({ ...outcome, group: outcome.group && { ...outcome.group, state: withMembership(membership, outcome.group.state) } }));
}

/** A group's state as saved: its members' fingerprint, then the detector's numbers. */
function withMembership(membership: number, group: Float64Array): Float64Array {
  const state = new Float64Array(group.length + 1);
  state[0] = membership;
  state.set(group, 1);
  return state;
}

function openEventOf(e: AnomalyEvent): OpenEvent {
  const peak: ScoredPoint = {
    t: e.peakAt,
    value: e.value,
    score: e.peakScore,
    expected: e.expected,
    lower: e.lower,
    upper: e.upper,
    deviation: e.deviation,
    detector: e.detector as ScoredPoint['detector'],
    severity: e.severity as ScoredPoint['severity'],
    ...(e.evidence ? { evidence: e.evidence } : {}),
  };
  return { start: e.start, end: e.end, peak };
}

/**
 * The stored event. It is explained by its peak, or, when the peak is a group member's held alarm
 * served once it persisted (its score is that alarm's), by that alarm: the point served need not
 * deviate itself. Either way it keeps the peak's evidence.
 */
export function eventRow(tenant: string, dataset: string, seriesId: number, labels: Labels, e: OpenEvent): AnomalyEvent {
  const p = explainingPoint(e.peak);
  return {
    tenant,
    dataset,
    seriesId,
    labels,
    start: e.start,
    end: e.end,
    peakScore: e.peak.score,
    peakAt: e.peak.t,
    explainedAt: p.t,
    explainedScore: p.score,
    severity: p.severity,
    detector: p.detector,
    value: p.value,
    expected: p.expected,
    lower: p.lower,
    upper: p.upper,
    deviation: p.deviation,
    ...(p.evidence ? { evidence: p.evidence } : {}),
  };
}

function explainingPoint(peak: ScoredPoint): ScoredPoint {
  const q = peak.evidence?.persisted;
  if (q?.t === undefined || q.value === undefined || q.expected === undefined || q.lower === undefined || q.upper === undefined || q.deviation === undefined || q.detector === undefined)
    return peak;
  return { ...peak, t: q.t, value: q.value, expected: q.expected, lower: q.lower, upper: q.upper, deviation: q.deviation, detector: q.detector };
}
