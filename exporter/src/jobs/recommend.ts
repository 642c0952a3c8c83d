// The recommendation stage: runs the built-in analyzers and the configured policies on the warehouse's
// data, reconciles the result with the stored recommendations (open, update, expire, verify applied
// ones) and adds each verified outcome to its action's record, which ranks future recommendations.
// The series analyzers (capacity, right-sizing, SLO budget) and the policies' entity snapshots
// (entity histories and features) are computed in the worker pool.
import type { Series, TimeRange } from '@sextant/core';
import type { AlertInstanceColumns } from '@sextant/core/alerts';
import { FEATURE_NAMES, type AlertPeriodColumns } from '@sextant/core/predict';
import {
  DEFAULT_CAPACITY_OPTIONS,
  DEFAULT_RIGHT_SIZING_OPTIONS,
  evaluatePolicies,
  reconcile,
  type Candidate,
  type EntitySnapshot,
  type Policy,
  type RuleInfo,
  type SeriesAnalyzer,
  type Slo,
} from '@sextant/core/recommend';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { PredictionStore } from '../warehouse/prediction-store.js';
import type { RecommendationStore } from '../warehouse/recommendation-store.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { Job } from './job.js';
import { loadSeries, seriesColumns, type AlertHistory } from './predict-inputs.js';
import { coreWorkers } from '../worker-pool.js';
import { groupBy } from '@sextant/core/collections';

/** Alert analytics for the hygiene analyzer (from the alert history store, when the service has one). */
export interface AlertAnalytics {
  /** The alert instances firing at some time in the range. */
  instances(tenant: string, range: TimeRange): Promise<AlertInstanceColumns>;
  rules(tenant: string): Promise<RuleInfo[]>;
}

export interface RecommendJobDeps {
  warehouse: Warehouse;
  store: RecommendationStore;
  predictions: PredictionStore;
  alerts: AlertHistory;
  alertAnalytics?: AlertAnalytics;
  registry: Registry;
  log: Logger;
  now: () => number;
  intervalMs: number;
  tenants: string[];
  policies: Policy[];
  slos: Slo[];
  /** Service type per service, for policies that apply per type. */
  serviceTypes?: Readonly<Record<string, string>>;
  /** Analyzers to run; all by default. */
  analyzers?: ('capacity' | 'rightsizing' | 'alert-hygiene' | 'slo-budget' | 'policy')[];
}

export interface RecommendJob extends Job {
  recommendAll(): Promise<{ opened: number; outcomes: number }>;
}

const DAY = 86_400_000;

/** History each analyzer reads: the capacity profile a week, right-sizing 14 days, SLOs their window. */
function historyMs(enabled: ReadonlySet<string>, slos: readonly Slo[]): number {
  let ms = DAY;
  if (enabled.has('capacity')) ms = Math.max(ms, DEFAULT_CAPACITY_OPTIONS.lookbackMs);
  if (enabled.has('rightsizing')) ms = Math.max(ms, DEFAULT_RIGHT_SIZING_OPTIONS.historyMs);
  if (enabled.has('slo-budget')) ms = Math.max(ms, ...slos.map((s) => s.windowMs));
  return ms;
}

export function createRecommendJob(deps: RecommendJobDeps): RecommendJob {
  const enabled = new Set(deps.analyzers ?? ['capacity', 'rightsizing', 'alert-hygiene', 'slo-budget', 'policy']);
  new Gauge({
    name: 'sextant_recommendations_open',
    help: 'Open recommendations by kind and severity (all tenants).',
    labelNames: ['kind', 'severity'],
    registers: [deps.registry],
    async collect() {
      this.reset();
      const totals = new Map<string, number>();
      for (const row of await deps.store.openCounts()) {
        const key = `${row.kind}\u0000${row.severity}`;
        totals.set(key, (totals.get(key) ?? 0) + row.count);
      }
      for (const [key, count] of totals) {
        const [kind, severity] = key.split('\u0000') as [string, string];
        this.set({ kind, severity }, count);
      }
    },
  });
  const outcomes = new Counter({
    name: 'sextant_recommendation_outcomes_total',
    help: 'Verified outcomes of applied recommendations (success: the condition cleared in time).',
    labelNames: ['kind', 'outcome'],
    registers: [deps.registry],
  });

  async function candidatesFor(tenant: string, now: number): Promise<Candidate[]> {
    const range = { start: now - historyMs(enabled, deps.slos), end: now + 1 };
    const series = await loadSeries(deps.warehouse, tenant, range);
    const hygiene = enabled.has('alert-hygiene') ? deps.alertAnalytics : undefined;
    const policy = enabled.has('policy') && deps.policies.length > 0;
    // Asked for in one turn, the hygiene's and the policies' alert periods share the store's one read of the range.
    const [out, firing, alerts] = await Promise.all([
      analyzeSeriesInWorker(series, SERIES_ANALYZERS.filter((a) => enabled.has(a)), deps.slos, now),
      hygiene?.instances(tenant, range),
      policy ? deps.alerts.periods(tenant, range, series) : undefined,
    ]);
    if (hygiene && firing) out.push(...(await analyzeAlertHygieneInWorker(await hygiene.rules(tenant), firing, now)));
    if (alerts) {
      const features = await latestFeaturesInWorker(series, alerts, now);
      const latest = await deps.predictions.listPredictions(tenant, { latest: true, limit: 10_000 });
      out.push(...evaluatePolicies(deps.policies, snapshots(features, alerts, latest, now, deps.serviceTypes ?? {})));
    }
    return out;
  }

  async function recommendAll(): Promise<{ opened: number; outcomes: number }> {
    let opened = 0;
    let verified = 0;
    for (const tenant of deps.tenants) {
      const now = deps.now();
      const candidates = await candidatesFor(tenant, now);
      const result = reconcile(await deps.store.active(tenant), candidates, now);
      // A recommendation a user applied or dismissed after `now` is left as the user made it.
      const left = await deps.store.saveWithOutcomes(
        tenant,
        result.changed,
        result.outcomes.map((o) => ({ action: o.action, context: o.context, success: o.outcome === 'success', recommendationId: o.recommendationId })),
        now,
      );
      for (const o of result.outcomes) {
        if (left.has(o.recommendationId)) continue;
        const rec = result.changed.find((r) => r.id === o.recommendationId);
        outcomes.inc({ kind: rec?.kind ?? 'unknown', outcome: o.outcome });
      }
      opened += result.changed.filter((r) => r.status === 'open' && r.createdAt === now).length;
      verified += result.outcomes.length;
      deps.log.info('recommendations', { tenant, candidates: candidates.length, changed: result.changed.length, outcomes: result.outcomes.length });
    }
    return { opened, outcomes: verified };
  }

  return {
    name: 'recommend',
    intervalMs: deps.intervalMs,
    recommendAll,
    async run() {
      await recommendAll();
    },
  };
}

/** The series analyzers' candidates, computed in the worker pool on a copy of the series as columns. */
export function analyzeSeriesInWorker(series: Readonly<Record<string, Series[]>>, analyzers: readonly SeriesAnalyzer[], slos: readonly Slo[], now: number): Promise<Candidate[]> {
  if (analyzers.length === 0) return Promise.resolve([]);
  const { columns, transfer } = seriesColumns(series);
  return coreWorkers.run<Candidate[]>({ module: '@sextant/core/recommend', name: 'analyzeSeriesOnColumns' }, [columns, analyzers, slos, now], undefined, transfer);
}
const SERIES_ANALYZERS: readonly SeriesAnalyzer[] = ['capacity', 'rightsizing', 'slo-budget'];

type EntityFeatures = { entity: string; features: Float64Array }[];

/** The alert hygiene's candidates, computed in the worker pool. */
function analyzeAlertHygieneInWorker(rules: readonly RuleInfo[], instances: AlertInstanceColumns, now: number): Promise<Candidate[]> {
  return coreWorkers.run<Candidate[]>({ module: '@sextant/core/recommend', name: 'analyzeAlertHygieneOnColumns' }, [rules, instances, now]);
}

/** Every entity's features over the last 30 minutes, its history built from the series in the worker pool. */
export function latestFeaturesInWorker(series: Readonly<Record<string, Series[]>>, alerts: AlertPeriodColumns, now: number): Promise<EntityFeatures> {
  const { columns, transfer } = seriesColumns(series);
  return coreWorkers.run<EntityFeatures>({ module: '@sextant/core/predict', name: 'latestFeaturesOnColumns' }, [columns, alerts, now, SNAPSHOT_WINDOW], undefined, transfer);
}
const SNAPSHOT_WINDOW = { windowMs: 30 * 60_000 };

type FiringAlert = { alertname: string; severity: string; entity: string };

/** The alerts firing at `now`, by entity: one pass over the periods' columns. */
function firingByEntity(alerts: AlertPeriodColumns, now: number): Map<string, FiringAlert[]> {
  const { names, entity, alertname, severity, startsAt, endsAt } = alerts;
  const firing: FiringAlert[] = [];
  for (let i = 0; i < startsAt.length; i++) {
    if (startsAt[i]! <= now && (Number.isNaN(endsAt[i]!) || endsAt[i]! > now)) {
      firing.push({ alertname: names[alertname[i]!]!, severity: names[severity[i]!]!, entity: names[entity[i]!]! });
    }
  }
  return groupBy(firing, (a) => a.entity);
}

function snapshots(
  features: EntityFeatures,
  alerts: AlertPeriodColumns,
  latest: { entity: string; probability: number }[],
  now: number,
  serviceTypes: Readonly<Record<string, string>>,
): EntitySnapshot[] {
  const firingOf = firingByEntity(alerts, now);
  const risksOf = groupBy(latest, (p) => p.entity);
  return features.map((h) => {
    const x = h.features;
    const metrics: Record<string, number> = {};
    FEATURE_NAMES.forEach((name, i) => {
      if (!Number.isNaN(x[i]!)) metrics[name] = x[i]!;
    });
    const risk = (risksOf.get(h.entity) ?? []).map((p) => p.probability);
    return {
      entity: h.entity,
      service: h.entity,
      ...(serviceTypes[h.entity] ? { serviceType: serviceTypes[h.entity] } : {}),
      metrics,
      ...(risk.length ? { failureProbability: Math.max(...risk) } : {}),
      ...(metrics['anomaly_score_max'] !== undefined ? { anomalyScore: metrics['anomaly_score_max'] } : {}),
      firingAlerts: firingOf.get(h.entity) ?? [],
    };
  });
}
