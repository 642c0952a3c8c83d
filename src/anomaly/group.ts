/**
 * The ensemble for a group of series (one service, one host): every series keeps its own
 * univariate detector, and an isolation forest over the vector of their deviations (in robust
 * sigmas, so units and scales do not matter) catches combinations that are unusual together,
 * e.g. latency normal and traffic normal but both at values never seen at the same time. The
 * forest is refitted every `fitSize` steps on the `fitSize` vectors before, kept in a ring twice
 * that long so a restored detector can refit the very same forest, and its raw score calibrated by its own anomaly
 * likelihood, so it speaks the same [0,1] language as the univariate channels. A series' score
 * is the larger of its own and the group's, where the group's counts only for the series that
 * deviate most at that step (see `blame`).
 *
 * The group's own alarm (`score`, what `sextant detect` writes for a wide file) asks for
 * corroboration: one member's alarm alone is a weak sign that the whole machine or service is in
 * trouble (on SMD an alarm on one metric alone touches an incident 8% of the time, on three or more
 * 34%), so the group scores the `corroboration.members`-th highest of the members' peak scores
 * within `corroboration.withinMs`, capped by the highest member score now, and only at a step where
 * at least that many members deviate by `corroboration.sigmas` or more (a deviation is in a sigma of
 * at least 1% of the range the series has shown, so 14 sigmas is also 14% of its range): a group
 * alarm at any level needs that many members at that level within the window and a broad, large
 * departure now. A member's evidence is its own score, or, once, an alarm that kept rising after its
 * own quiet began (`corroboration.escalation`): a member's alarm opens its quiet at the alarm level
 * (0.45), and a spike on a series whose surprise history is noisy scores 0.2, 0.6, 1.0 on its first
 * three points (the likelihood averages 10 surprises), so the quiet hid the alarm's rise to
 * certainty; its unquieted score counts when it first reaches 0.99 while the alarm that started the
 * quiet stayed below (with the seasonal memory per visit, SMD's incidents were lost to such hidden
 * rises). A member's drift alarm (a slow departure) is no evidence here: on SMD many members
 * drift together when a machine's load changes slowly, and drift alarms touched an incident a
 * quarter of the time. A member's value beyond anything it has shown (`out-of-range`) raises the
 * group's alarm alone. The forest's score is not part of the group's alarm (on SMD it lowered its
 * precision), only of its members' scores.
 *
 * Each member's served score (what `update` returns, what the service stores and raises events on)
 * is trusted the same way (`trust`): an alarm (own score >= `trust.level`) of one member alone is
 * capped at `trust.cap` (medium: drawn on charts, no event) unless another member corroborates it
 * within the window at a step of broad departure as above (then the member scores the lower of its
 * evidence and the corroborating peak, and its point names the members alarming together), it is
 * a value beyond anything the series has shown (`out-of-range`) or a slow departure (`drift`: a
 * leak), or its deviation persists (at least `trust.persistSigmas` in at least `trust.persistShare`
 * of the next `trust.persistPoints` points, when the held alarm is released: a step, a flapping
 * series). Most alarms of group members alone are single-point spikes of sparse metrics (resting at
 * 0, jumping to the same value every few hours), which none of these let through.
 *
 * One incident, one event (`fold`): the group's alarms (a member's corroborated alarm, the forest's
 * score handed to a blamed member) less than `foldWithinMs` apart are served on one member, which
 * names the members; the others are served as if alone. Otherwise an incident on a service raised
 * an event on each member that alarmed or was blamed, none naming the others.
 */
import type { DetectorName, Evidence, ScoredPoint } from './explanation.js';
import { DEFAULT_ISOLATION_FOREST_OPTIONS, IsolationForest, type IsolationForestOptions } from './isolation-forest.js';
import { AnomalyLikelihood, likelihoodSlots, type LikelihoodOptions } from './likelihood.js';
import { severityOf } from './severity.js';
import { DEFAULT_UNIVARIATE_OPTIONS, UnivariateDetector, type UnivariateOptions } from './univariate.js';

export interface GroupOptions {
  univariate: UnivariateOptions;
  forest: IsolationForestOptions;
  /** The forest is refitted every `fitSize` steps on the last `fitSize` deviation vectors. */
  fitSize: number;
  likelihood: LikelihoodOptions;
  /** Deviations are clipped to +- this before entering the forest, so one huge spike does not stretch every split. */
  clip: number;
  /**
   * The group's score goes to the members whose deviation is at least this fraction of the
   * largest one in the group at that step: the series that make the combination unusual, not
   * every member of the service.
   */
  blame: number;
  /**
   * The group's alarm needs this many members alarming within `withinMs`, and as many deviating by
   * at least `sigmas` at the step (1: any member alone). A member's alarm that its own quiet
   * silenced while it kept rising counts once it reaches `escalation` (see the file's comment).
   */
  corroboration: { members: number; withinMs: number; sigmas: number; escalation: number };
  /**
   * The group's alarms (a member's corroborated alarm, the forest's score handed to a member) less
   * than this apart are one incident, served on one member (see `fold`); as long as the gap within
   * which an event grows (`EventOptions.mergeGapMs`), so an incident is one event.
   */
  foldWithinMs: number;
  /** When a member's own alarm is served as it is (see the file's comment); `level: Infinity` serves every score as it is. */
  trust: { level: number; cap: number; persistPoints: number; persistSigmas: number; persistShare: number };
}

export const DEFAULT_GROUP_OPTIONS: GroupOptions = {
  univariate: DEFAULT_UNIVARIATE_OPTIONS,
  forest: { ...DEFAULT_ISOLATION_FOREST_OPTIONS, trees: 50 },
  fitSize: 256,
  likelihood: { window: 5, longAlpha: 0.002, learning: 50, priorPoints: 100, minStd: 0.0001 },
  clip: 10,
  blame: 0.5,
  corroboration: { members: 2, withinMs: 15 * 60_000, sigmas: 14, escalation: 0.99 },
  foldWithinMs: 30 * 60_000,
  trust: { level: 0.8, cap: 0.75, persistPoints: 10, persistSigmas: 5, persistShare: 0.5 },
};

/** A held alarm's explanation in the group's state: time, value, expected value, band, deviation, detector. */
const ALARM_SLOTS = 7;
const DETECTORS: readonly DetectorName[] = ['seasonal-baseline', 'robust-level', 'level-shift', 'out-of-range', 'drift', 'isolation-forest', 'ensemble'];

/** Saved state of a group: each series' detector state, and the group's own numbers. */
export interface GroupState {
  series: Float64Array[];
  group: Float64Array;
}

/**
 * What a group can be restored from: each series' saved state (undefined for a series seen for the
 * first time) and the group's numbers (undefined for a new group, or one whose members changed).
 */
export interface PartialGroupState {
  series: readonly (Float64Array | undefined)[];
  group?: Float64Array | undefined;
}

export class GroupDetector {
  readonly detectors: UnivariateDetector[];
  private readonly ring: Float64Array;
  // [vectors seen, likelihood state..., each member's recent peak evidence, ... its time,
  //  each member's held alarm score, ... its points deviating since, ... points left until it is judged,
  //  each member's held alarm as explained (ALARM_SLOTS numbers), each member's alarm peak since its last alarm]
  private readonly meta: Float64Array;
  private readonly likelihood: AnomalyLikelihood;
  private forest: IsolationForest | undefined;
  private readonly vector: Float64Array;
  /** Each series' own score at the last step, before the group's score was handed out. */
  readonly ownScores: Float64Array;
  /** The group's alarm score at the last step: corroborated members' at a broad departure, or a member's out-of-range alarm (see the file's comment). */
  score = 0;
  /** The corroborated members' score at the last step, before asking for a broad departure. */
  private corroboratedScore = 0;
  private readonly peakAt: number;
  private readonly heldAt: number;
  private readonly peaks: Float64Array;
  private readonly evidence: Float64Array;
  // Where each member's held alarm, as explained when it was raised, is kept (ALARM_SLOTS numbers a
  // member), to explain it when it is served.
  private readonly alarmAt: number;
  // Where each member's highest evidence since its last alarm (own score >= the alarm level) is kept.
  private readonly alarmPeakAt: number;
  // Where the carrier of the group's open corroborated alarm and the time of its last alarm are kept (see `fold`).
  private readonly foldAt: number;
  /** Each member's served score at this step (see `trusted`), what it would be without corroboration, and whether corroboration raised it. */
  private readonly served: Float64Array;
  private readonly uncorroborated: Float64Array;
  private readonly corroborating: Uint8Array;
  private readonly forestAlarm: Uint8Array;
  private readonly groupAlarm: Float64Array;
  private foldTop = -1;
  private foldScore = 0;

  constructor(
    readonly size: number,
    readonly options: GroupOptions = DEFAULT_GROUP_OPTIONS,
    state?: PartialGroupState,
  ) {
    if (size < 1) throw new Error('a group needs at least one series');
    if (state && state.series.length !== size) throw new Error(`group state has ${state.series.length} series, expected ${size}`);
    this.detectors = Array.from({ length: size }, (_, i) => {
      const saved = state?.series[i];
      return saved ? UnivariateDetector.restore(saved, options.univariate) : new UnivariateDetector(options.univariate);
    });
    const ringSize = 2 * options.fitSize * size;
    const saved = state?.group;
    const expected = GroupDetector.groupStateLength(size, options);
    if (saved && saved.length !== expected) throw new Error(`group state has ${saved.length} numbers, expected ${expected}`);
    this.ring = saved ? saved.slice(0, ringSize) : new Float64Array(ringSize);
    this.meta = saved ? saved.slice(ringSize) : new Float64Array(expected - ringSize);
    this.likelihood = new AnomalyLikelihood(this.meta, 1, options.likelihood);
    this.vector = new Float64Array(size);
    this.ownScores = new Float64Array(size);
    this.peakAt = 1 + likelihoodSlots(options.likelihood);
    this.heldAt = this.peakAt + 2 * size;
    this.peaks = new Float64Array(size);
    this.evidence = new Float64Array(size);
    this.alarmAt = this.heldAt + 3 * size;
    this.alarmPeakAt = this.alarmAt + ALARM_SLOTS * size;
    this.foldAt = this.alarmPeakAt + size;
    this.served = new Float64Array(size);
    this.uncorroborated = new Float64Array(size);
    this.corroborating = new Uint8Array(size);
    this.forestAlarm = new Uint8Array(size);
    this.groupAlarm = new Float64Array(size);
    if (this.seen >= options.fitSize) this.refit();
  }

  /** How many numbers the group's own state (`save().group`) has for `size` series. */
  static groupStateLength(size: number, options: GroupOptions = DEFAULT_GROUP_OPTIONS): number {
    return 2 * options.fitSize * size + 1 + likelihoodSlots(options.likelihood) + (6 + ALARM_SLOTS) * size + 2;
  }

  private get seen(): number {
    return this.meta[0]!;
  }

  /** Scores one time step: `values[i]` is series i's value at `t` (NaN when missing). */
  update(t: number, values: ArrayLike<number>): ScoredPoint[] {
    const { clip, fitSize } = this.options;
    const own = this.ownScores;
    for (let i = 0; i < this.size; i++) own[i] = this.detectors[i]!.update(t, values[i]!);
    for (let i = 0; i < this.size; i++) this.vector[i] = Math.max(-clip, Math.min(clip, this.detectors[i]!.deviation));
    const groupScore = this.forest ? this.likelihood.updateScore(this.forest.score(this.vector)) : 0;
    const seen = this.seen;
    this.ring.set(this.vector, (seen % (2 * fitSize)) * this.size);
    this.meta[0] = seen + 1;
    if ((seen + 1) % fitSize === 0) this.refit();
    let largest = 0;
    for (let i = 0; i < this.size; i++) largest = Math.max(largest, Math.abs(this.vector[i]!));
    const blamed = this.options.blame * largest;
    const points = this.detectors.map((d, i) => d.explain(t, values[i]!, own[i]!));
    for (let i = 0; i < this.size; i++) {
      const evidence = this.escalated(i);
      this.evidence[i] = points[i]!.detector === 'drift' ? 0 : evidence;
    }
    let outOfRange = 0;
    for (let i = 0; i < this.size; i++) if (points[i]!.detector === 'out-of-range') outOfRange = Math.max(outOfRange, own[i]!);
    const broad = this.corroborated(t);
    this.score = Math.max(outOfRange, broad ? this.corroboratedScore : 0);
    const served = this.served;
    const forest = this.forestAlarm;
    for (let i = 0; i < this.size; i++) served[i] = this.trusted(i, points[i]!, broad);
    for (let i = 0; i < this.size; i++) {
      forest[i] = largest > 0 && Math.abs(this.vector[i]!) >= blamed && groupScore > served[i]! ? 1 : 0;
      if (forest[i]) this.corroborating[i] = 0;
    }
    let blamedMembers: Evidence['members'];
    const forestMembers = () => (blamedMembers ??= this.blamedMembers(points, blamed));
    const carrier = this.fold(t, groupScore);
    for (let i = 0; i < this.size; i++) {
      const point = points[i]!;
      point.score = forest[i] ? groupScore : served[i]!;
      if (forest[i]) {
        point.detector = 'isolation-forest';
        point.evidence = { members: forestMembers() };
      } else if (this.corroborating[i]) {
        point.evidence = { ...point.evidence, members: this.alarmingTogether(points, served[i]!) };
      }
    }
    if (carrier >= 0) {
      // The carrier serves the group's alarm at this step: when another member's alarm is higher than
      // its own, that alarm's score, detector and members (the point is still the carrier's).
      const c = points[carrier]!;
      const top = this.foldTop;
      if (top >= 0 && top !== carrier) {
        const score = this.foldScore;
        if (score > c.score) {
          c.score = score;
          c.detector = forest[top] ? 'isolation-forest' : points[top]!.detector;
          c.evidence = { members: forest[top] ? forestMembers() : this.alarmingTogether(points, score) };
        }
      }
    }
    for (const point of points) point.severity = severityOf(point.score);
    return points;
  }

  /**
   * Member i's evidence for the group's alarm: its own score, or, once in its alarm's quiet, its
   * unquieted score when that first reaches `corroboration.escalation` while the alarm that started
   * the quiet stayed below it (an alarm raised at 0.6 whose score kept rising).
   */
  private escalated(i: number): number {
    const own = this.ownScores[i]!;
    const unquieted = this.detectors[i]!.unquietedScore;
    const { escalation } = this.options.corroboration;
    const peak = this.alarmPeakAt + i;
    if (own >= this.options.univariate.alarm.level) this.meta[peak] = own;
    else if (own < unquieted && unquieted >= escalation && this.meta[peak]! < escalation) {
      this.meta[peak] = unquieted;
      return unquieted;
    }
    return own;
  }

  /**
   * The members whose alarm corroborates a member's served alarm at this step: those whose peak
   * evidence within the window is at least the score served, most deviant now first, at most 5.
   */
  private alarmingTogether(points: readonly ScoredPoint[], score: number): NonNullable<Evidence['members']> {
    const members: NonNullable<Evidence['members']> = [];
    for (let i = 0; i < this.size; i++) if (this.meta[this.peakAt + i]! >= score) members.push({ index: i, deviation: points[i]!.deviation });
    return members.sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation)).slice(0, 5);
  }

  /**
   * One incident, one event: the group's alarms at a step (a member's corroborated alarm, or the
   * forest's score handed to a blamed member) while the group's alarm lasts (alarms less than
   * `foldWithinMs` apart) are served on one member, the carrier (the member with the highest of them
   * when the group's alarm began), whose point names the members; the others are served as if
   * alone. Returns the carrier (-1 when the group does not alarm at this step) and leaves the
   * highest alarm and its member in `foldScore` and `foldTop`.
   */
  private fold(t: number, groupScore: number): number {
    const m = this.meta;
    const at = this.foldAt;
    const { level } = this.options.trust;
    const open = t - m[at + 1]! <= this.options.foldWithinMs;
    let top = -1;
    let topScore = 0;
    for (let i = 0; i < this.size; i++) {
      const score = this.forestAlarm[i] ? groupScore : this.corroborating[i] ? this.served[i]! : 0;
      this.groupAlarm[i] = score;
      if (score >= level && score > topScore) {
        top = i;
        topScore = score;
      }
    }
    this.foldTop = top;
    this.foldScore = topScore;
    if (top < 0) return -1;
    const carrier = open ? m[at]! : top;
    m[at] = carrier;
    m[at + 1] = t;
    for (let i = 0; i < this.size; i++) {
      if (i === carrier || this.groupAlarm[i]! < level) continue;
      this.forestAlarm[i] = 0;
      this.corroborating[i] = 0;
      this.served[i] = this.uncorroborated[i]!;
      // Its alarm is the group's, served on the carrier: not served again when its departure persists.
      m[this.heldAt + 2 * this.size + i] = 0;
    }
    return carrier;
  }

  /** The members the group's score goes to at this step (deviating by at least `blamed`), most deviant first, at most 5. */
  private blamedMembers(points: readonly ScoredPoint[], blamed: number): NonNullable<Evidence['members']> {
    const members: NonNullable<Evidence['members']> = [];
    for (let i = 0; i < this.size; i++) if (Math.abs(this.vector[i]!) >= blamed) members.push({ index: i, deviation: points[i]!.deviation });
    return members.sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation)).slice(0, 5);
  }

  /**
   * Member i's served score (see the file's comment); `corroborated` has just left, in `peaks`,
   * every member's peak evidence in ascending order, and said whether the step is a broad departure.
   */
  private trusted(i: number, point: ScoredPoint, broad: boolean): number {
    const { level, cap, persistPoints, persistSigmas, persistShare } = this.options.trust;
    const own = this.ownScores[i]!;
    this.uncorroborated[i] = own;
    this.corroborating[i] = 0;
    const { members } = this.options.corroboration;
    if (members <= 1 || this.size < members) return own;
    const m = this.meta;
    const held = this.heldAt;
    const n = this.size;
    const alone = point.detector === 'out-of-range' || point.detector === 'drift';
    let served = own >= level && !alone ? Math.min(own, cap) : own;
    this.uncorroborated[i] = served;
    // Corroboration: the (members - 1)-th highest peak among the other members.
    const mine = m[this.peakAt + i]!;
    const desc = (j: number) => this.peaks[n - 1 - j]!;
    const others = mine >= desc(members - 2) ? desc(members - 1) : desc(members - 2);
    const together = broad ? Math.min(this.evidence[i]!, others) : 0;
    if (together > served) {
      served = together;
      this.corroborating[i] = 1;
    }
    // Persistence: a held alarm is released when the deviation stayed large for long enough.
    const left = m[held + 2 * n + i]!;
    if (left > 0) {
      const large = m[held + n + i]! + (Math.abs(this.detectors[i]!.deviation) >= persistSigmas ? 1 : 0);
      m[held + n + i] = large;
      m[held + 2 * n + i] = left - 1;
      if (left === 1 && large >= persistShare * persistPoints && m[held + i]! > served) {
        served = m[held + i]!;
        this.corroborating[i] = 0;
        point.evidence = { persisted: { ...this.heldAlarm(i), large, of: persistPoints, sigmas: persistSigmas } };
      }
    } else if (own >= level) {
      m.set([point.t, point.value, point.expected, point.lower, point.upper, point.deviation, DETECTORS.indexOf(point.detector)], this.alarmAt + ALARM_SLOTS * i);
      m[held + i] = own;
      m[held + n + i] = 0;
      m[held + 2 * n + i] = persistPoints;
    }
    return served;
  }

  /** Member i's held alarm as it was explained when raised. */
  private heldAlarm(i: number): Omit<NonNullable<Evidence['persisted']>, 'large' | 'of' | 'sigmas'> {
    const a = this.alarmAt + ALARM_SLOTS * i;
    const m = this.meta;
    return { t: m[a]!, value: m[a + 1]!, expected: m[a + 2]!, lower: m[a + 3]!, upper: m[a + 4]!, deviation: m[a + 5]!, detector: DETECTORS[m[a + 6]!]! };
  }

  /**
   * Updates each member's peak evidence (its own score, 0 for a drift alarm) within the
   * corroboration window (a peak older than the window gives way to the current one), leaves the
   * peaks in ascending order in `peaks` and in `corroboratedScore` the `members`-th highest peak,
   * capped by the highest score now (so a group alarm is raised at a step where a member alarms);
   * returns whether the step is a broad departure (`members` members at `sigmas` or more).
   */
  private corroborated(t: number): boolean {
    const { members, withinMs, sigmas } = this.options.corroboration;
    const m = this.meta;
    const evidence = this.evidence;
    const at = this.peakAt;
    let now = 0;
    let deviating = 0;
    for (let i = 0; i < this.size; i++) {
      if (evidence[i]! > now) now = evidence[i]!;
      if (evidence[i]! >= m[at + i]! || t - m[at + this.size + i]! > withinMs) {
        m[at + i] = evidence[i]!;
        m[at + this.size + i] = t;
      }
      this.peaks[i] = m[at + i]!;
      if (Math.abs(this.detectors[i]!.deviation) >= sigmas) deviating++;
    }
    if (members <= 1) {
      this.corroboratedScore = now;
      return true;
    }
    if (members > this.size) {
      this.corroboratedScore = 0;
      return false;
    }
    this.peaks.sort();
    this.corroboratedScore = Math.min(now, this.peaks[this.size - members]!);
    return deviating >= members;
  }

  /** State to save; `new GroupDetector(size, options, state)` continues exactly where this one is. */
  save(): GroupState {
    return { series: this.detectors.map((d) => Float64Array.from(d.state)), group: Float64Array.from([...this.ring, ...this.meta]) };
  }

  /** Fits on the `fitSize` vectors before the last multiple of `fitSize`, wherever they sit in the ring. */
  private refit(): void {
    const { fitSize } = this.options;
    const end = Math.floor(this.seen / fitSize) * fitSize;
    const rows = new Float64Array(fitSize * this.size);
    for (let k = 0; k < fitSize; k++) {
      const slot = (end - fitSize + k) % (2 * fitSize);
      rows.set(this.ring.subarray(slot * this.size, (slot + 1) * this.size), k * this.size);
    }
    this.forest = IsolationForest.fit(rows, this.size, this.options.forest);
  }
}
