/**
 * Turns a series' scored points into anomaly events: an event opens at the first point whose score
 * reaches `threshold`, grows while alarms keep coming less than `mergeGapMs` apart, and is
 * explained by its highest-scoring alarm (so its severity, read off that score, and its
 * explanation describe the same point). Pure and incremental, so a job can feed it one batch
 * of points per run and carry the open event over.
 */
import type { ScoredPoint } from './explanation.js';

export interface EventOptions {
  threshold: number;
  mergeGapMs: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = { threshold: 0.8, mergeGapMs: 30 * 60_000 };

export interface OpenEvent {
  start: number;
  end: number;
  /** The alarm with the highest score (among equal scores, the one furthest from its expected value): the event's explanation. */
  peak: ScoredPoint;
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
        const peak = open.peak;
        if (point.score > peak.score || (point.score === peak.score && Math.abs(point.deviation) > Math.abs(peak.deviation))) open.peak = point;
        this.touch(open);
      } else {
        this.open = { start: point.t, end: point.t, peak: point };
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
