/**
 * Judging a detector's scores against point labels (1 = inside an incident, runs of 1s are
 * incidents), the way an on-call engineer judges alarms: an incident is found when an alarm
 * (score >= threshold) falls inside it; an alarm run (consecutive alarming points) is right when it
 * touches an incident; and what matters on healthy stretches is how many alarms a series raises
 * per week. Pure: the caller reads the files.
 */
import { DEFAULT_EVENT_OPTIONS } from './events.js';

export interface LabelledScores {
  name: string;
  /** Unix ms, ascending. */
  timestamps: ArrayLike<number>;
  /** 1 inside an incident, 0 outside. */
  labels: ArrayLike<number>;
  /** The detector's score per point, in [0,1]. */
  scores: ArrayLike<number>;
}

export interface PointEvalOptions {
  /** A point alarms when its score is at least this. */
  threshold: number;
  /**
   * The first `history` fraction of each series' points is history: scored (the detector learns
   * from it) but not judged, e.g. the unlabelled training half of SMD.
   */
  history: number;
}

export const DEFAULT_POINT_EVAL_OPTIONS: PointEvalOptions = { threshold: DEFAULT_EVENT_OPTIONS.threshold, history: 0 };

export interface PointEvalCounts {
  incidents: number;
  /** Incidents with an alarm inside. */
  detected: number;
  /** Alarm runs. */
  alarms: number;
  /** Alarm runs that overlap an incident. */
  trueAlarms: number;
  /** Sum over detected incidents of (first alarm - incident start), ms and points. */
  delayMs: number;
  delayPoints: number;
  /** Time judged outside incidents (ms): the healthy stretches false alarms are counted against. */
  healthyMs: number;
}

export interface PointEvalMetrics extends PointEvalCounts {
  recall: number;
  precision: number;
  f1: number;
  /** Mean over detected incidents; NaN when none was detected. */
  meanDelayMs: number;
  meanDelayPoints: number;
  /** Alarm runs that touch no incident, per series and week of healthy time. */
  falseAlarmsPerSeriesWeek: number;
}

export interface PointEvalResult extends PointEvalMetrics {
  threshold: number;
  series: number;
  perSeries: (PointEvalMetrics & { name: string })[];
}

const WEEK_MS = 7 * 86_400_000;

/** Counts for one series (see `evaluatePointLabels`). */
export function countPointLabels(series: LabelledScores, options: PointEvalOptions = DEFAULT_POINT_EVAL_OPTIONS): PointEvalCounts {
  const { timestamps: t, labels, scores } = series;
  const n = scores.length;
  if (labels.length !== n || t.length !== n) throw new Error(`${series.name}: ${n} scores, ${labels.length} labels, ${t.length} timestamps`);
  const start = Math.min(n, Math.ceil(options.history * n));
  const counts: PointEvalCounts = { incidents: 0, detected: 0, alarms: 0, trueAlarms: 0, delayMs: 0, delayPoints: 0, healthyMs: 0 };
  const inIncident = (i: number) => labels[i]! >= 0.5;
  const alarming = (i: number) => scores[i]! >= options.threshold;
  // Incidents: one pass over the runs of 1s.
  for (let i = start; i < n; ) {
    if (!inIncident(i)) {
      if (i > start) counts.healthyMs += t[i]! - t[i - 1]!;
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < n && inIncident(end + 1)) end++;
    counts.incidents++;
    for (let k = i; k <= end; k++) {
      if (alarming(k)) {
        counts.detected++;
        counts.delayMs += t[k]! - t[i]!;
        counts.delayPoints += k - i;
        break;
      }
    }
    i = end + 1;
  }
  // Alarm runs: right when any of their points lies inside an incident.
  for (let i = start; i < n; ) {
    if (!alarming(i)) {
      i++;
      continue;
    }
    let touches = false;
    let end = i;
    for (; end < n && alarming(end); end++) touches ||= inIncident(end);
    counts.alarms++;
    if (touches) counts.trueAlarms++;
    i = end;
  }
  return counts;
}

/** Recall, precision, F1, delay and false alarms per series-week from summed counts. */
export function pointEvalMetrics(c: PointEvalCounts): PointEvalMetrics {
  const recall = c.incidents ? c.detected / c.incidents : Number.NaN;
  const precision = c.alarms ? c.trueAlarms / c.alarms : Number.NaN;
  const f1 = recall > 0 && precision > 0 ? (2 * recall * precision) / (recall + precision) : 0;
  const healthyWeeks = c.healthyMs / WEEK_MS;
  return {
    ...c,
    recall,
    precision,
    f1,
    meanDelayMs: c.detected ? c.delayMs / c.detected : Number.NaN,
    meanDelayPoints: c.detected ? c.delayPoints / c.detected : Number.NaN,
    // healthyMs sums over series, so (false alarms / healthy weeks) is already per series and week.
    falseAlarmsPerSeriesWeek: healthyWeeks > 0 ? (c.alarms - c.trueAlarms) / healthyWeeks : Number.NaN,
  };
}

/** Judges every series and the total (counts summed over series before the ratios are taken). */
export function evaluatePointLabels(all: readonly LabelledScores[], options: PointEvalOptions = DEFAULT_POINT_EVAL_OPTIONS): PointEvalResult {
  const total: PointEvalCounts = { incidents: 0, detected: 0, alarms: 0, trueAlarms: 0, delayMs: 0, delayPoints: 0, healthyMs: 0 };
  const perSeries = all.map((s) => {
    const c = countPointLabels(s, options);
    for (const key of Object.keys(total) as (keyof PointEvalCounts)[]) total[key] += c[key];
    return { name: s.name, ...pointEvalMetrics(c) };
  });
  return { threshold: options.threshold, series: all.length, ...pointEvalMetrics(total), perSeries };
}
