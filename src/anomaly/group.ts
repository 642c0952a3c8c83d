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
 * 34%), so the group scores the forest's score or, if higher, the `corroboration.members`-th highest
 * of the members' peak scores within `corroboration.withinMs`, capped by the highest member score
 * now: a group alarm at any level needs that many members at that level within the window.
 */
import type { ScoredPoint } from './explanation.js';
import { DEFAULT_ISOLATION_FOREST_OPTIONS, IsolationForest, type IsolationForestOptions } from './isolation-forest.js';
import { AnomalyLikelihood, likelihoodSlots, type LikelihoodOptions } from './likelihood.js';
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
  /** The group's alarm needs this many members alarming within `withinMs` (1: any member alone). */
  corroboration: { members: number; withinMs: number };
}

export const DEFAULT_GROUP_OPTIONS: GroupOptions = {
  univariate: DEFAULT_UNIVARIATE_OPTIONS,
  forest: { ...DEFAULT_ISOLATION_FOREST_OPTIONS, trees: 50 },
  fitSize: 256,
  likelihood: { window: 5, longAlpha: 0.002, learning: 50, priorPoints: 100, minStd: 0.0001 },
  clip: 10,
  blame: 0.5,
  corroboration: { members: 2, withinMs: 15 * 60_000 },
};

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
  private readonly meta: Float64Array; // [vectors seen, likelihood state..., each member's recent peak score, ... its time]
  private readonly likelihood: AnomalyLikelihood;
  private forest: IsolationForest | undefined;
  private readonly vector: Float64Array;
  /** Each series' own score at the last step, before the group's score was handed out. */
  readonly ownScores: Float64Array;
  /** The group's alarm score at the last step: the forest's, or the corroborated members' (see the file's comment). */
  score = 0;
  private readonly peakAt: number;
  private readonly peaks: Float64Array;

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
    this.peaks = new Float64Array(size);
    if (this.seen >= options.fitSize) this.refit();
  }

  /** How many numbers the group's own state (`save().group`) has for `size` series. */
  static groupStateLength(size: number, options: GroupOptions = DEFAULT_GROUP_OPTIONS): number {
    return 2 * options.fitSize * size + 1 + likelihoodSlots(options.likelihood) + 2 * size;
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
    this.score = Math.max(groupScore, this.corroborated(t));
    return this.detectors.map((d, i) => {
      const fromGroup = largest > 0 && Math.abs(this.vector[i]!) >= blamed && groupScore > own[i]!;
      const point = d.explain(t, values[i]!, fromGroup ? groupScore : own[i]!);
      if (fromGroup) point.detector = 'isolation-forest';
      return point;
    });
  }

  /**
   * Updates each member's peak score within the corroboration window (a peak older than the window
   * gives way to the current score) and returns the `members`-th highest peak, capped by the
   * highest score now, so a group alarm is raised at a step where a member alarms.
   */
  private corroborated(t: number): number {
    const { members, withinMs } = this.options.corroboration;
    const m = this.meta;
    const own = this.ownScores;
    const at = this.peakAt;
    let now = 0;
    for (let i = 0; i < this.size; i++) {
      if (own[i]! > now) now = own[i]!;
      if (own[i]! >= m[at + i]! || t - m[at + this.size + i]! > withinMs) {
        m[at + i] = own[i]!;
        m[at + this.size + i] = t;
      }
      this.peaks[i] = m[at + i]!;
    }
    if (members <= 1) return now;
    if (members > this.size) return 0;
    this.peaks.sort();
    return Math.min(now, this.peaks[this.size - members]!);
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
