// Score: after ingest, every series with new points in the warehouse is scored by its streaming
// detector (state kept per series in the warehouse, so a restart continues; a series seen for the
// first time is trained on all its history already there, so it scores sensibly from its first
// live point). The latest score, level and band of each series are exported as gauges with the
// series' labels, and anomaly events are stored for the API.
import { DEFAULT_EVENT_OPTIONS, EventTracker, UnivariateDetector, type EventOptions, type OpenEvent, type ScoredPoint } from '@sextant/core/anomaly';
import type { Labels } from '@sextant/core';
import { Counter, type Registry } from 'prom-client';
import type { SeriesFamilies, SeriesGaugeFamily } from '../http/series-gauge-family.js';
import type { Logger } from '../log.js';
import type { DatasetDefinition } from '../sources/metrics-source.js';
import type { AnomalyEvent, AnomalyStore, SeriesScoringState } from '../warehouse/anomaly-store.js';
import type { Job } from './job.js';

export interface ScoreJobDeps {
  store: AnomalyStore;
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  families: SeriesFamilies;
  log: Logger;
  intervalMs: number;
  events?: EventOptions;
  /** Most points read per dataset and run; the rest waits for the next run. */
  maxPointsPerRun?: number;
}

/** The value of `sextant_detector` on the exported gauges: the ensemble of all channels. */
const DETECTOR_LABEL = 'ensemble';

export function createScoreJob(deps: ScoreJobDeps): Job {
  const events = deps.events ?? DEFAULT_EVENT_OPTIONS;
  const maxPoints = deps.maxPointsPerRun ?? 2_000_000;
  const gauges = {
    score: deps.families.gauge('sextant_anomaly_score', 'Anomaly score of the series latest point, in [0,1] (calibrated anomaly likelihood).'),
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
      for (const dataset of deps.datasets) {
        if (signal.aborted) return;
        try {
          const result = await scoreDataset(deps.store, dataset, events, maxPoints, gauges);
          scored.inc({ dataset: dataset.name }, result.points);
          for (const e of result.newEvents) opened.inc({ dataset: dataset.name, severity: e.severity });
        } catch (error) {
          deps.log.error('score: dataset failed, it is retried on the next run', { dataset: dataset.name, tenant: dataset.tenant, error });
        }
      }
    },
  };
}

type Gauges = Record<'score' | 'level' | 'upper' | 'lower', SeriesGaugeFamily>;

/** Scores the new points of one dataset and saves states and events in one transaction. */
export async function scoreDataset(
  store: AnomalyStore,
  dataset: DatasetDefinition,
  events: EventOptions,
  maxPoints: number,
  gauges?: Gauges,
): Promise<{ points: number; newEvents: AnomalyEvent[] }> {
  const { tenant, name } = dataset;
  const batch = await store.newPoints(tenant, name, maxPoints);
  if (batch.ts.length === 0) return { points: 0, newEvents: [] };
  const [states, openEvents, labels] = await Promise.all([store.states(tenant, name), store.openEvents(tenant, name), store.seriesLabels(tenant, name)]);
  const newStates: SeriesScoringState[] = [];
  const touched: AnomalyEvent[] = [];
  const newEvents: AnomalyEvent[] = [];
  let i = 0;
  while (i < batch.ts.length) {
    const seriesId = batch.seriesIds[i]!;
    const saved = states.get(seriesId);
    const detector = saved ? UnivariateDetector.restore(saved.state) : new UnivariateDetector();
    const carried = openEvents.get(seriesId);
    const tracker = new EventTracker(events, carried ? openEventOf(carried) : undefined);
    let last: ScoredPoint | undefined;
    for (; i < batch.ts.length && batch.seriesIds[i] === seriesId; i++) {
      const t = batch.ts[i]!;
      const v = batch.values[i]!;
      last = detector.explain(t, v, detector.update(t, v));
      tracker.add(last);
    }
    const seriesLabels = labels.get(seriesId) ?? {};
    for (const e of tracker.touched) {
      const event = eventRow(tenant, name, seriesId, seriesLabels, e);
      touched.push(event);
      if (e.start !== carried?.start) newEvents.push(event);
    }
    newStates.push({
      seriesId,
      scoredUntil: last!.t,
      state: detector.state,
      openEventStart: tracker.open?.start ?? null,
      lastAlarm: tracker.open?.end ?? null,
    });
    if (gauges) exportLatest(gauges, exportedLabels(seriesLabels, tenant, name), last!);
  }
  await store.saveRun(tenant, name, newStates, touched);
  return { points: batch.ts.length, newEvents };
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
  gauges.level.set(labels, p.expected);
  gauges.upper.set(labels, p.upper);
  gauges.lower.set(labels, p.lower);
}

function openEventOf(e: AnomalyEvent): OpenEvent {
  const worst: ScoredPoint = {
    t: e.explainedAt,
    value: e.value,
    score: e.explainedScore,
    expected: e.expected,
    lower: e.lower,
    upper: e.upper,
    deviation: e.deviation,
    detector: e.detector as ScoredPoint['detector'],
    severity: e.severity as ScoredPoint['severity'],
  };
  return {
    start: e.start,
    end: e.end,
    worst,
    peak: {
      ...worst,
      t: e.peakAt,
      score: e.peakScore,
    },
  };
}

function eventRow(tenant: string, dataset: string, seriesId: number, labels: Labels, e: OpenEvent): AnomalyEvent {
  const p = e.worst;
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
