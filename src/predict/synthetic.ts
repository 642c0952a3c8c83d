import type { Sample, TimeRange } from '../model/index.js';
import type { AlertPeriod } from './alerts.js';
import type { EntityHistory, Signal } from './features.js';
import { entityAnomalyScore } from './anomaly-score.js';
import { randomInt, seededRng, type Rng } from './rng.js';

/**
 * A seeded synthetic fleet for tests and benchmarks of the predictor: services with daily load cycles,
 * noise, memory leaks, disk fills and error bursts that end in critical alerts, harmless look-alikes
 * (memory that climbs and drops back, load peaks) that do not, warning alerts, and a causal anomaly score.
 */
export interface SyntheticOptions {
  seed: number;
  start: number;
  days: number;
  entities: number;
  stepMs?: number;
}

export interface SyntheticScenario {
  histories: EntityHistory[];
  alerts: AlertPeriod[];
  range: TimeRange;
}

const MINUTE = 60_000;
const ALERT_LEVEL = 0.95;

type Episode = { kind: 'leak' | 'disk' | 'errors' | 'decoy'; start: number; rampSteps: number; remedied?: boolean };

export function syntheticScenario(options: SyntheticOptions): SyntheticScenario {
  const rng = seededRng(options.seed);
  const stepMs = options.stepMs ?? 5 * MINUTE;
  const steps = Math.floor((options.days * 24 * 60 * MINUTE) / stepMs);
  const histories: EntityHistory[] = [];
  const alerts: AlertPeriod[] = [];
  for (let e = 0; e < options.entities; e += 1) {
    const entity = `svc-${options.seed}-${e}`;
    const { history, entityAlerts } = entityScenario(entity, rng, options.start, steps, stepMs);
    histories.push(history);
    alerts.push(...entityAlerts);
  }
  return { histories, alerts, range: { start: options.start, end: options.start + steps * stepMs } };
}

function entityScenario(entity: string, rng: Rng, start: number, steps: number, stepMs: number) {
  const episodes = planEpisodes(rng, steps, stepMs);
  const series: Record<Exclude<Signal, 'processMemory' | 'logErrorRate' | 'traceLatencyP95'>, Sample[]> = {
    cpu: [], memory: [], disk: [], requestRate: [], errorRatio: [], latencyP95: [],
  };
  const entityAlerts: AlertPeriod[] = [];
  const memBase = 0.35 + 0.2 * rng();
  let disk = 0.3 + 0.2 * rng();
  let firing: { alertname: string; startsAt: number; until: number } | undefined;
  const noise = () => (rng() - 0.5) * 2;
  for (let k = 0; k < steps; k += 1) {
    const t = start + k * stepMs;
    const day = Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
    let cpu = 0.35 + 0.2 * day + 0.05 * noise();
    let memory = memBase + 0.03 * noise();
    let errorRatio = Math.max(0, 0.01 + 0.005 * noise());
    let latency = 0.2 + 0.03 * day + 0.02 * noise();
    disk += 0.00002 * stepMs / MINUTE;
    for (const ep of episodes) {
      const progress = (k - ep.start) / ep.rampSteps;
      if (progress < 0 || progress > 1.4 || ep.remedied) continue;
      if (ep.kind === 'leak') memory = Math.min(1, memBase + (1 - memBase) * progress) + 0.01 * noise();
      if (ep.kind === 'decoy') memory = memBase + (0.9 - memBase) * Math.sin(Math.PI * Math.min(1, progress));
      if (ep.kind === 'disk') disk = Math.max(disk, 0.6 + 0.4 * Math.min(1, progress));
      if (ep.kind === 'errors') {
        latency += 0.5 * progress;
        cpu += 0.3 * progress;
        errorRatio += progress > 0.8 ? 0.2 * progress : 0.02 * progress;
      }
    }
    if (firing && t >= firing.until) {
      entityAlerts.push({ entity, alertname: firing.alertname, severity: 'critical', startsAt: firing.startsAt, endsAt: t });
      // The remedy (restart, cleanup, rollback) ends every episode under way.
      if (firing.alertname === 'DiskFull') disk = 0.4;
      for (const ep of episodes) if (ep.start <= k) ep.remedied = true;
      firing = undefined;
    }
    const breach = memory >= ALERT_LEVEL ? 'MemoryExhausted' : disk >= ALERT_LEVEL ? 'DiskFull' : errorRatio > 0.1 ? 'HighErrorRate' : undefined;
    if (breach && !firing) firing = { alertname: breach, startsAt: t, until: t + (3 + randomInt(rng, 4)) * stepMs };
    if (rng() < 0.002) {
      entityAlerts.push({ entity, alertname: 'LatencyWarning', severity: 'warning', startsAt: t, endsAt: t + 2 * stepMs });
    }
    series.cpu.push({ t, v: clamp(cpu) });
    series.memory.push({ t, v: clamp(memory) });
    series.disk.push({ t, v: clamp(disk) });
    series.requestRate.push({ t, v: Math.max(0, 100 * (1 + 0.5 * day) + 5 * noise()) });
    series.errorRatio.push({ t, v: clamp(errorRatio) });
    series.latencyP95.push({ t, v: Math.max(0.01, latency) });
  }
  if (firing) entityAlerts.push({ entity, alertname: firing.alertname, severity: 'critical', startsAt: firing.startsAt });
  const history: EntityHistory = { entity, signals: series, anomalyScore: entityAnomalyScore(series) };
  return { history, entityAlerts };
}

function planEpisodes(rng: Rng, steps: number, stepMs: number): Episode[] {
  const episodes: Episode[] = [];
  const kinds: Episode['kind'][] = ['leak', 'disk', 'errors', 'decoy', 'decoy'];
  let k = Math.floor((2 + 6 * rng()) * 3_600_000 / stepMs);
  while (k < steps) {
    const kind = kinds[randomInt(rng, kinds.length)]!;
    const rampMinutes = kind === 'disk' ? 180 + 180 * rng() : kind === 'errors' ? 40 + 40 * rng() : 60 + 120 * rng();
    const rampSteps = Math.max(2, Math.round((rampMinutes * MINUTE) / stepMs));
    episodes.push({ kind, start: k, rampSteps });
    k += rampSteps * 2 + Math.floor((4 + 12 * rng()) * 3_600_000 / stepMs);
  }
  return episodes;
}

function clamp(v: number): number {
  return Math.min(1, Math.max(0, v));
}
