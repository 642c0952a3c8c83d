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
  EventTracker,
  GroupDetector,
  UnivariateDetector,
  seriesGroupOf,
  type EventOptions,
  type OpenEvent,
  type ScoredPoint,
} from '@sextant/core/anomaly';
import type { Labels } from '@sextant/core';
import { groupBy } from '@sextant/core/collections';
import { Counter, type Registry } from 'prom-client';
import type { SeriesFamilies, SeriesGaugeFamily } from '../metrics/series-gauge-family.js';
import type { Logger } from '../log.js';
import type { DatasetDefinition } from '../sources/metrics-source.js';
import type { AnomalyEvent, AnomalyStore, PointBatch, SeriesScoringState } from '../warehouse/anomaly-store.js';
import type { AnomalyConfig } from '../config/sections/anomaly.js';
import { yieldToEventLoop } from '../event-loop.js';
import type { Job } from './job.js';
import { retrainDataset, type RetrainRequests } from './retrain.js';
import { groupStateId, membershipOf, type GroupMember } from './score-groups.js';
import { scoreAlignedInSlices } from './score-slices.js';
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

/** The value of `sextant_detector` on the exported gauges: the ensemble of all channels. */
const DETECTOR_LABEL = 'ensemble';

export function createScoreJob(deps: ScoreJobDeps): Job {
  const scoring = deps.scoring ?? DEFAULT_SCORING_OPTIONS;
  const gauges = {
    score: deps.families.gauge('sextant_anomaly_score', 'Anomaly score of the series latest point, in [0,1] (calibrated anomaly likelihood).'),
    value: deps.families.gauge('sextant_anomaly_value', 'Value of the series at its latest scored point (what the band is for).'),
    level: deps.families.gauge('sextant_anomaly_level', 'Expected value of the series at its latest point.'),
    upper: deps.families.gauge('sextant_anomaly_upper_band', 'Upper edge of the band of normal values at the latest point.'),
    lower: deps.families.gauge('sextant_anomaly_lower_band', 'Lower edge of the band of normal values at the latest point.'),
  };
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
        const retrain = deps.retrain?.take(tenant) ?? [];
        if (sharing && retrain.length > 0) {
          deps.log.warn('score: re-training after a backfill is not done when replicas share the series; scoring continues from the saved states', { tenant, datasets: retrain });
        }
        for (const dataset of sharing ? [] : retrain) {
          try {
            await retrainDataset(deps.store, tenant, dataset, deps.log);
          } catch (error) {
            deps.log.error('score: re-training a dataset on its history failed, it is retried on the next run', { tenant, dataset, error });
            deps.retrain!.request(tenant, [dataset]);
          }
        }
        try {
          const result = await scoreTenant(deps.store, tenant, datasets, scoring, gauges, deps.log, sharing);
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

type Gauges = Record<'score' | 'value' | 'level' | 'upper' | 'lower', SeriesGaugeFamily>;

/** A series of the tenant: what the warehouse knows of it, and its new points. */
interface Member extends GroupMember {
  labels: Labels;
  saved: SeriesScoringState | undefined;
  carried: AnomalyEvent | undefined;
  ts: number[];
  values: number[];
  /** Its dataset's read was cut at the point limit, so later points of other series wait for it. */
  truncated: boolean;
}

/**
 * Scores the new points of a tenant's datasets: series alone, or with their group; then saves
 * each dataset's states and events in one transaction per dataset, and the groups' states last
 * (a crash in between costs the groups the points already scored, never a series' continuity).
 */
export async function scoreTenant(
  store: AnomalyStore,
  tenant: string,
  datasets: readonly DatasetDefinition[],
  scoring: ScoringOptions,
  gauges?: Gauges,
  log?: Logger,
  sharing: TenantSharing = { share: WHOLE, holdsLease: () => true },
): Promise<{ points: Map<string, number>; newEvents: AnomalyEvent[] }> {
  const known: Member[] = [];
  for (const dataset of datasets) {
    try {
      known.push(...(await membersOf(store, tenant, dataset.name, scoring.maxPointsPerRun, log)));
    } catch (error) {
      log?.error('score: reading a dataset failed, it is retried on the next run', { tenant, dataset: dataset.name, error });
    }
  }
  const { owned: members, others } = splitByShare(known, sharing.share, tenant, scoring.maxGroupSize);
  // Another replica's series are exported by that replica only.
  if (gauges) for (const m of others) removeExported(gauges, exportedLabels(m.labels, tenant, m.dataset));
  const byGroup = groupBy(members, (m) => seriesGroupOf(m.labels));
  const alone = byGroup.get(undefined) ?? [];
  byGroup.delete(undefined);
  const groups = byGroup as Map<string, Member[]>;
  const groupStates = await store.states(tenant, GROUP_STATE_DATASET);
  const scoredPoints = new Map<Member, ScoredPoint[]>();
  const states = new Map<Member, Float64Array>();
  const newGroupStates: SeriesScoringState[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.seriesId - b.seriesId));
    if (group.length < 2 || group.length > scoring.maxGroupSize) {
      alone.push(...group);
      continue;
    }
    if (!group.some((m) => m.ts.length > 0)) continue;
    const id = groupStateId(key);
    const saved = await scoreGroup(group, groupStates.get(id), scoredPoints, states);
    if (saved) newGroupStates.push({ seriesId: id, ...saved, openEventStart: null, lastAlarm: null });
    await yieldToEventLoop();
  }
  for (const m of alone) {
    if (m.ts.length === 0) continue;
    const detector = m.saved ? UnivariateDetector.restore(m.saved.state) : new UnivariateDetector();
    const points: ScoredPoint[] = [];
    for (let i = 0; i < m.ts.length; i++) points.push(detector.explain(m.ts[i]!, m.values[i]!, detector.update(m.ts[i]!, m.values[i]!)));
    scoredPoints.set(m, points);
    states.set(m, detector.state);
    await yieldToEventLoop();
  }

  const pointsByDataset = new Map<string, number>();
  const newEvents: AnomalyEvent[] = [];
  for (const dataset of datasets) {
    const newStates: SeriesScoringState[] = [];
    const touched: AnomalyEvent[] = [];
    let count = 0;
    for (const m of members) {
      const points = scoredPoints.get(m);
      if (m.dataset !== dataset.name || !points || points.length === 0) continue;
      count += points.length;
      const tracker = new EventTracker(scoring.events, m.carried ? openEventOf(m.carried) : undefined);
      for (const p of points) tracker.add(p);
      for (const e of tracker.touched) {
        const event = eventRow(tenant, dataset.name, m.seriesId, m.labels, e);
        touched.push(event);
        if (e.start !== m.carried?.start) newEvents.push(event);
      }
      const last = points[points.length - 1]!;
      newStates.push({ seriesId: m.seriesId, scoredUntil: last.t, state: states.get(m)!, openEventStart: tracker.open?.start ?? null, lastAlarm: tracker.open?.end ?? null });
      if (gauges) exportLatest(gauges, exportedLabels(m.labels, tenant, dataset.name), last);
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

/** This replica's share of the series, and whether it may still write results (replicas/membership.ts). */
export interface TenantSharing {
  share: Share;
  holdsLease: () => boolean;
}

function checkLease(sharing: TenantSharing): void {
  if (!sharing.holdsLease()) throw new Error('score: this replica has not written its heartbeat for most of the lease; its share is left to the others');
}

/**
 * Every series of the dataset that has new points or a saved state, with its new points. A saved
 * state of another detector version (another length) is dropped: that series starts afresh from
 * its new points, instead of failing on every run.
 */
const POINTS_PER_TURN = 200_000;

async function membersOf(store: AnomalyStore, tenant: string, dataset: string, maxPoints: number, log?: Logger): Promise<Member[]> {
  const [batch, states, openEvents, labels] = await Promise.all([
    store.newPoints(tenant, dataset, maxPoints),
    store.states(tenant, dataset),
    store.openEvents(tenant, dataset),
    store.seriesLabels(tenant, dataset),
  ]);
  const truncated = batch.ts.length >= maxPoints;
  const stateLength = UnivariateDetector.stateLength();
  const outdated = [...states.values()].filter((s) => s.state.length !== stateLength);
  if (outdated.length > 0) log?.warn('score: saved detector states of another version are dropped; those series start afresh', { tenant, dataset, series: outdated.length });
  const ids = [...new Set([...states.keys(), ...batch.seriesIds])].sort((a, b) => a - b);
  const points = await pointsBySeries(batch);
  return ids.map((seriesId) => ({
    dataset,
    seriesId,
    labels: labels.get(seriesId) ?? {},
    saved: states.get(seriesId)?.state.length === stateLength ? states.get(seriesId) : undefined,
    carried: openEvents.get(seriesId),
    ts: points.get(seriesId)?.ts ?? [],
    values: points.get(seriesId)?.values ?? [],
    truncated,
  }));
}

/** Points grouped per series, with a turn for the event loop every POINTS_PER_TURN (a first run reads millions). */
async function pointsBySeries(batch: PointBatch): Promise<Map<number, { ts: number[]; values: number[] }>> {
  const out = new Map<number, { ts: number[]; values: number[] }>();
  for (let i = 0; i < batch.ts.length; i++) {
    if (i > 0 && i % POINTS_PER_TURN === 0) await yieldToEventLoop();
    const id = batch.seriesIds[i]!;
    let series = out.get(id);
    if (!series) out.set(id, (series = { ts: [], values: [] }));
    series.ts.push(batch.ts[i]!);
    series.values.push(batch.values[i]!);
  }
  return out;
}

/**
 * Scores a group: points at or before the group's last step are scored by their own detector only
 * (the group has moved on; this happens when a read was cut at the point limit), the rest on the
 * group's aligned steps. When some member's read was cut, steps stop at the earliest point where a
 * cut member's points end, and the later points of every member wait for the next run. A group
 * whose members changed starts afresh (its forest is refitted after `fitSize` steps).
 */
async function scoreGroup(
  group: Member[],
  saved: SeriesScoringState | undefined,
  scoredPoints: Map<Member, ScoredPoint[]>,
  states: Map<Member, Float64Array>,
): Promise<{ scoredUntil: number; state: Float64Array } | undefined> {
  const membership = membershipOf(group);
  const length = GroupDetector.groupStateLength(group.length, DEFAULT_GROUP_OPTIONS);
  const continues = saved !== undefined && saved.state[0] === membership && saved.state.length === length + 1;
  const detector = new GroupDetector(group.length, DEFAULT_GROUP_OPTIONS, {
    series: group.map((m) => m.saved?.state),
    group: continues ? saved.state.subarray(1) : undefined,
  });
  const after = continues ? saved.scoredUntil : -Infinity;
  let end = Infinity;
  for (const m of group) if (m.truncated && m.ts.length > 0) end = Math.min(end, m.ts[m.ts.length - 1]!);
  const early = group.map((m, i) => {
    const d = detector.detectors[i]!;
    const points: ScoredPoint[] = [];
    for (let k = 0; k < m.ts.length && m.ts[k]! <= after; k++) points.push(d.explain(m.ts[k]!, m.values[k]!, d.update(m.ts[k]!, m.values[k]!)));
    return points;
  });
  const steps = group.map((m, i) => {
    const from = early[i]!.length;
    let to = from;
    while (to < m.ts.length && m.ts[to]! <= end) to++;
    return { ts: m.ts.slice(from, to), values: m.values.slice(from, to) };
  });
  const aligned = await scoreAlignedInSlices(detector, steps);
  let last = after;
  group.forEach((m, i) => {
    const points = [...early[i]!, ...aligned[i]!];
    scoredPoints.set(m, points);
    states.set(m, detector.detectors[i]!.state);
    const stepped = aligned[i]!;
    if (stepped.length > 0) last = Math.max(last, stepped[stepped.length - 1]!.t);
  });
  if (last === -Infinity) return undefined;
  const state = new Float64Array(length + 1);
  state[0] = membership;
  state.set(detector.save().group, 1);
  return { scoredUntil: last, state };
}

/** The input series' labels (`__name__` as `sextant_metric`) plus where they come from and the detector. */
export function exportedLabels(labels: Labels, tenant: string, dataset: string): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith('__')) out[k] = v;
  if (labels.__name__ !== undefined) out.sextant_metric = labels.__name__;
  out.sextant_dataset = dataset;
  out.sextant_tenant = tenant;
  out.sextant_detector = DETECTOR_LABEL;
  return out;
}

function exportLatest(gauges: Gauges, labels: Labels, p: ScoredPoint): void {
  gauges.score.set(labels, p.score);
  gauges.value.set(labels, p.value);
  gauges.level.set(labels, p.expected);
  gauges.upper.set(labels, p.upper);
  gauges.lower.set(labels, p.lower);
}

function removeExported(gauges: Gauges, labels: Labels): void {
  for (const family of Object.values(gauges)) family.delete(labels);
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
  };
  return { start: e.start, end: e.end, peak };
}

function eventRow(tenant: string, dataset: string, seriesId: number, labels: Labels, e: OpenEvent): AnomalyEvent {
  const p = e.peak;
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
  };
}
