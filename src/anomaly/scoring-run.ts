/**
 * A scoring run as one pure computation, for a worker thread: the new points of series (alone, or
 * together as a group) scored from their saved states, their events continued, their states to save.
 * What it answers is small whatever the run's length (weeks of points on a first run): each series'
 * state, the events its points opened or grew, and its last scored point.
 */
import { EventTracker, type EventOptions, type OpenEvent } from './events.js';
import type { ScoredPoint } from './explanation.js';
import { DEFAULT_GROUP_OPTIONS, GroupDetector } from './group.js';
import { scoreAligned } from './series-group.js';
import { UnivariateDetector } from './univariate.js';

/** A series' new points, in time order, and what it carries from earlier runs. */
export interface RunSeries {
  /** Its detector's saved state (none for a series seen for the first time). */
  state?: Float64Array | undefined;
  /** Its event still open from an earlier run. */
  open?: OpenEvent | undefined;
  ts: Float64Array;
  values: Float64Array;
}

/** What a run leaves of a series that had new points. */
export interface SeriesOutcome {
  points: number;
  /** Its detector's state to save. */
  state: Float64Array;
  /** Events its points opened or grew, each once in its latest form (`open` among them if touched). */
  touched: OpenEvent[];
  /** Its event still open after the run. */
  open: OpenEvent | undefined;
  last: ScoredPoint;
}

/** Series scored alone, each by its own detector; undefined for a series without new points. */
export function scoreSeriesRun(series: readonly RunSeries[], events: EventOptions): (SeriesOutcome | undefined)[] {
  return series.map((s) => {
    const detector = s.state ? UnivariateDetector.restore(s.state) : new UnivariateDetector();
    const outcome = new OutcomeTracker(s.open, events);
    scoreOwn(detector, s, s.ts.length, outcome);
    return outcome.finished(detector.state);
  });
}

/** A group's run: its members (in the group's order), and the group's own state when it continues. */
export interface GroupRun {
  members: (RunSeries & { name: string })[];
  /** The group's saved state and the last step it scored; none for a new group or one whose members changed. */
  group?: { state: Float64Array; scoredUntil: number } | undefined;
  /** Steps after this time wait for the next run (a member's read was cut there); Infinity for none. */
  end: number;
}

export interface GroupOutcome {
  members: (SeriesOutcome | undefined)[];
  /** The group's state to save and its last step; undefined when no step was scored. */
  group: { state: Float64Array; scoredUntil: number } | undefined;
}

/**
 * Scores a group: a member's points at or before the group's last step are scored by its own
 * detector only (the group has moved on; this happens when a read was cut at the point limit), the
 * rest on the group's aligned steps up to `end`. The members an isolation-forest alarm blames are
 * named by their series (`name`) in what the run answers.
 */
export function scoreGroupRun(run: GroupRun, events: EventOptions): GroupOutcome {
  const detector = new GroupDetector(run.members.length, DEFAULT_GROUP_OPTIONS, { series: run.members.map((m) => m.state), group: run.group?.state });
  const after = run.group?.scoredUntil ?? -Infinity;
  const outcomes = run.members.map((m) => new OutcomeTracker(m.open, events));
  // A member's points up to the group's last step, by its own detector; the rest on the group's steps up to `end`.
  const steps = run.members.map((m, i) => {
    let from = 0;
    while (from < m.ts.length && m.ts[from]! <= after) from++;
    scoreOwn(detector.detectors[i]!, m, from, outcomes[i]!);
    let to = from;
    while (to < m.ts.length && m.ts[to]! <= run.end) to++;
    return { ts: m.ts.subarray(from, to), values: m.values.subarray(from, to) };
  });
  const aligned = scoreAligned(detector, steps);
  let last = after;
  for (const points of aligned) if (points.length > 0) last = Math.max(last, points[points.length - 1]!.t);
  const names = run.members.map((m) => m.name);
  const members = outcomes.map((outcome, i) => {
    for (const p of aligned[i]!) outcome.add(p);
    const finished = outcome.finished(detector.detectors[i]!.state);
    if (finished) for (const p of [finished.last, ...finished.touched.map((e) => e.peak)]) nameBlamed(p, names);
    return finished;
  });
  return { members, group: last === -Infinity ? undefined : { state: detector.save().group, scoredUntil: last } };
}

/** Scores a series' first `to` points by its own detector, handing each to `outcome`. */
function scoreOwn(detector: UnivariateDetector, s: RunSeries, to: number, outcome: OutcomeTracker): void {
  for (let k = 0; k < to; k++) outcome.add(detector.explain(s.ts[k]!, s.values[k]!, detector.update(s.ts[k]!, s.values[k]!)));
}

/** A series' outcome, fed its scored points in order (none are kept but the last). */
class OutcomeTracker {
  private readonly tracker: EventTracker;
  private points = 0;
  private last: ScoredPoint | undefined;

  constructor(open: OpenEvent | undefined, events: EventOptions) {
    this.tracker = new EventTracker(events, open);
  }

  add(p: ScoredPoint): void {
    this.tracker.add(p);
    this.points += 1;
    this.last = p;
  }

  /** The outcome, with a copy of the detector's `state`; undefined when no point was scored. */
  finished(state: Float64Array): SeriesOutcome | undefined {
    if (!this.last) return undefined;
    return { points: this.points, state: Float64Array.from(state), touched: this.tracker.touched, open: this.tracker.open, last: this.last };
  }
}

/** Names the members an isolation-forest alarm blames by their series, instead of their place in the group. */
function nameBlamed(p: ScoredPoint, names: readonly string[]): void {
  const members = p.evidence?.members;
  if (members && members.every((m) => m.name === undefined)) p.evidence = { ...p.evidence, members: members.map((m) => ({ ...m, name: names[m.index] ?? `member ${m.index}` })) };
}
