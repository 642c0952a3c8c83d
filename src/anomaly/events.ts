/**
 * Turns a series' scored points into anomaly events: an event opens at the first point whose score
 * reaches `threshold`, grows while alarms keep coming less than `mergeGapMs` apart, and keeps the
 * explanation of its highest-scoring point. Pure and incremental, so a job can feed it one batch
 * of points per run and carry the open event over.
 */
import type { ScoredPoint } from './explanation.js';

export interface EventOptions {
  threshold: number;
  mergeGapMs: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = { threshold: 0.5, mergeGapMs: 30 * 60_000 };

export interface OpenEvent {
  start: number;
  end: number;
  /** The alarm with the highest score. */
  peak: ScoredPoint;
  /** The alarm furthest from its expected value, in sigmas: the event's explanation. */
  worst: ScoredPoint;
}

export class EventTracker {
  /** Events opened or grown since construction, in order (an event appears once, in its latest form). */
  readonly touched: OpenEvent[] = [];

  constructor(
    private readonly options: EventOptions = DEFAULT_EVENT_OPTIONS,
    /** The series' event still open from an earlier run. */
    public open: OpenEvent | undefined = undefined,
  ) {}

  add(point: ScoredPoint): void {
    const open = this.open;
    if (point.score >= this.options.threshold) {
      if (open && point.t - open.end <= this.options.mergeGapMs) {
        open.end = point.t;
        if (point.score > open.peak.score) open.peak = point;
        if (Math.abs(point.deviation) > Math.abs(open.worst.deviation)) open.worst = point;
        this.touch(open);
      } else {
        this.open = { start: point.t, end: point.t, peak: point, worst: point };
        this.touch(this.open);
      }
    } else if (open && point.t - open.end > this.options.mergeGapMs) {
      this.open = undefined;
    }
  }

  private touch(event: OpenEvent): void {
    if (this.touched[this.touched.length - 1] !== event) this.touched.push(event);
  }
}
