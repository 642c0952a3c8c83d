/**
 * The streaming, causal detector for one series. Each point is compared with two predictions, a
 * robust local level and a seasonal baseline (level of the deseasonalised series plus hour-of-day
 * and day-of-week profiles), and the one that has predicted this series better lately is used.
 * The deviation in robust sigmas becomes a raw surprise, and the anomaly likelihood turns recent
 * surprise into a calibrated score. A point's score uses only that point and earlier ones.
 *
 * All state lives in one Float64Array (`state`), so saving and restoring a detector is copying
 * those numbers (see `UnivariateDetector.restore`).
 */
import { LookupTable } from '../stats/lookup-table.js';
import { twoSidedTailDecades } from '../stats/normal.js';
import { RobustLevel, ROBUST_LEVEL_SLOTS, type RobustLevelOptions } from '../stats/robust-level.js';
import { PERIOD_META_SLOTS, PeriodLearner, type PeriodLearnerOptions } from '../stats/period.js';
import { SeasonalProfile } from '../stats/seasonal-profile.js';
import type { DetectorName, Evidence, ScoredPoint } from './explanation.js';
import { AnomalyLikelihood, likelihoodSlots, type LikelihoodOptions } from './likelihood.js';
import { SEVERITY_FROM, severityOf } from './severity.js';

export interface UnivariateOptions {
  local: RobustLevelOptions;
  deseasonalised: RobustLevelOptions;
  likelihood: LikelihoodOptions;
  /**
   * Seasonal profile memory: weight of a new visit of a bucket (an hour of the day, a day of the
   * week) in that bucket, once warmed up, whatever the sampling rate (see `SeasonalProfile`).
   */
  seasonalMemory: number;
  /** Weight of a new error in the running errors that choose between the two predictions. */
  errorAlpha: number;
  /** The seasonal prediction is used when its error is below this fraction of the local one. */
  seasonalGate: number;
  alarm: { level: number; quietPoints: number; quietFactor: number };
  periodLearning: PeriodLearnerOptions;
  /** Weight of a new deviation in the drift channel. */
  driftAlpha: number;
  /** Deviations are clipped at this many sigmas before they enter the drift channel. */
  driftClip: number;
  /** Decades of tail probability that make a surprise of 1. */
  surpriseScale: number;
  /** The band is expected +- bandSigmas robust sigmas. */
  bandSigmas: number;
  /** Deviations are measured in a sigma of at least this fraction of the range seen (0: off). */
  scaleFloor: number;
  /** Explanations use a sigma of at least this fraction of the range seen (see `explain`). */
  explainScaleFloor: number;
  /**
   * Range detector (HTM's "spatial anomaly" in NAB): a value beyond the range seen so far by more
   * than `tolerance` of that range scores 1, once `after` points have been seen, if it also lies at
   * least `minDeviation` sigmas from its expected value (a noisy series' new maximum is no news). A
   * series that has held one value so far (range 0) is out of range at a value more than `tolerance`
   * of its size away: `up` falling from 1 to 0, a flat gauge jumping.
   */
  range: { tolerance: number; after: number; minDeviation: number };
}

export const DEFAULT_UNIVARIATE_OPTIONS: UnivariateOptions = {
  local: { alpha: 0.1, scaleAlpha: 0.02, clip: 3, shiftZ: 4, shiftRun: 12 },
  deseasonalised: { alpha: 0.01, scaleAlpha: 0.01, clip: 3, shiftZ: 4, shiftRun: 24 },
  likelihood: { window: 10, longAlpha: 0.001, learning: 50, priorPoints: 100, minStd: 0.0001 },
  seasonalMemory: 0.12,
  errorAlpha: 0.02,
  seasonalGate: 0.7,
  surpriseScale: 10,
  driftAlpha: 0.02,
  periodLearning: { stride: 6, minCorrelation: 0.3 },
  driftClip: 3,
  alarm: { level: 0.45, quietPoints: 25, quietFactor: 0 },
  bandSigmas: 3,
  explainScaleFloor: 0.01,
  scaleFloor: 0.01,
  range: { tolerance: 0.05, after: 100, minDeviation: 6 },
};

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

// Layout of the state array.
const COUNT = 0;
const ERR_LOCAL = 1;
const ERR_SEASONAL = 2;
const QUIET_UNTIL = 3; // point count until which a raised alarm is not raised again
const DRIFT = 4; // exponentially weighted mean of the (clipped) deviation, signed
const MIN = 5; // smallest and largest value seen, for the range detector
const MAX = 6;
const LAST_T = 7; // timestamp of the previous point: its step is the share of a bucket a point stands for
const META_SLOTS = 8;
const LOCAL = META_SLOTS;
const DESEASONALISED = LOCAL + ROBUST_LEVEL_SLOTS;
const DAY = DESEASONALISED + ROBUST_LEVEL_SLOTS;
const DAY_BUCKETS = 24;
const DAY_BUCKET_MS = DAY_MS / DAY_BUCKETS;
const WEEK = DAY + SeasonalProfile.slots(DAY_BUCKETS);
const WEEK_BUCKETS = 7;
const WEEK_BUCKET_MS = WEEK_MS / WEEK_BUCKETS;
const PERIOD = WEEK + SeasonalProfile.slots(WEEK_BUCKETS);
const CYCLE_BUCKETS = 24;
// The learned period's profile reuses the period learner's buffer once the period is known.
const CYCLE = PERIOD + PERIOD_META_SLOTS;
const LOCAL_LIKELIHOOD = CYCLE + SeasonalProfile.slots(CYCLE_BUCKETS);

// Layout of the scratch array.
const X = 0;
const T = 1;
const DAILY = 2;
const WEEKLY = 3;
const CYCLIC = 4;
const DAY_PHASE = 5;
const WEEK_PHASE = 6;
const CYCLE_PHASE = 7;
const LOCAL_EXPECTED = 8;
const SEASONAL_EXPECTED = 9;
const LOCAL_DEVIATION = 10;
const SEASONAL_DEVIATION = 11;
const DRIFT_DEVIATION = 12;
const LOCAL_SCORE = 13;
const SEASONAL_SCORE = 14;
const DRIFT_SCORE = 15;
const SCRATCH_SLOTS = 16;

export class UnivariateDetector {
  readonly state: Float64Array;
  private readonly local: RobustLevel;
  private readonly deseasonalised: RobustLevel;
  private readonly day: SeasonalProfile;
  private readonly week: SeasonalProfile;
  private readonly period: PeriodLearner;
  private readonly cycle: SeasonalProfile;
  private readonly localLikelihood: AnomalyLikelihood;
  private readonly seasonalLikelihood: AnomalyLikelihood;
  private readonly driftLikelihood: AnomalyLikelihood;
  // Explanation of the last point, kept as fields so scoring allocates nothing.
  private lastExpected = Number.NaN;
  private lastSigma = 0;
  private lastDeviation = 0;
  private lastUnquieted = 0;
  private lastDetector: DetectorName = 'robust-level';
  // What the detector that fired found (see `Evidence`): the range seen before the point, the level
  // before and after a shift, the drift's mean departure (series units) and its size in sigmas.
  private lastSeenLow = 0;
  private lastSeenHigh = 0;
  private lastLevelFrom = 0;
  private lastLevelTo = 0;
  private lastDriftMean = 0;
  private lastDriftSigmas = 0;
  // The series' step, from the last two points scored by this instance (NaN until known).
  private previousT = Number.NaN;
  private stepMs = Number.NaN;
  // Intermediate numbers of the point being scored, handed between its steps (see `learn`); not state.
  private readonly scratch = new Float64Array(SCRATCH_SLOTS);

  constructor(
    readonly options: UnivariateOptions = DEFAULT_UNIVARIATE_OPTIONS,
    state?: Float64Array,
  ) {
    const SEASONAL_LIKELIHOOD = LOCAL_LIKELIHOOD + likelihoodSlots(options.likelihood);
    const DRIFT_LIKELIHOOD = SEASONAL_LIKELIHOOD + likelihoodSlots(options.likelihood);
    const size = UnivariateDetector.stateLength(options);
    if (state && state.length !== size) throw new Error(`detector state has ${state.length} numbers, expected ${size}`);
    this.state = state ?? new Float64Array(size);
    this.local = new RobustLevel(this.state, LOCAL, options.local);
    this.deseasonalised = new RobustLevel(this.state, DESEASONALISED, options.deseasonalised);
    this.day = new SeasonalProfile(this.state, DAY, DAY_BUCKETS, options.seasonalMemory);
    this.week = new SeasonalProfile(this.state, WEEK, WEEK_BUCKETS, options.seasonalMemory);
    this.period = new PeriodLearner(this.state, PERIOD, SeasonalProfile.slots(CYCLE_BUCKETS), options.periodLearning);
    this.cycle = new SeasonalProfile(this.state, CYCLE, CYCLE_BUCKETS, options.seasonalMemory);
    this.localLikelihood = new AnomalyLikelihood(this.state, LOCAL_LIKELIHOOD, options.likelihood);
    this.seasonalLikelihood = new AnomalyLikelihood(this.state, SEASONAL_LIKELIHOOD, options.likelihood);
    this.driftLikelihood = new AnomalyLikelihood(this.state, DRIFT_LIKELIHOOD, options.likelihood);
  }

  /**
   * Numbers in a detector's state with these options: a saved state of another length comes from
   * another version of the detector and cannot be restored.
   */
  static stateLength(options: UnivariateOptions = DEFAULT_UNIVARIATE_OPTIONS): number {
    return LOCAL_LIKELIHOOD + 3 * likelihoodSlots(options.likelihood);
  }

  /** A detector that continues from a saved `state` (e.g. read back from the warehouse). */
  static restore(state: Float64Array, options: UnivariateOptions = DEFAULT_UNIVARIATE_OPTIONS): UnivariateDetector {
    return new UnivariateDetector(options, Float64Array.from(state));
  }

  /** Deviation of the last point from its expected value, in robust sigmas. */
  get deviation(): number {
    return this.lastDeviation;
  }

  /**
   * The last point's score before the alarm quiet (see `afterAlarm`): what it would have scored had
   * no alarm been raised within the last `alarm.quietPoints` points. A group uses it to see an alarm
   * that kept rising after the quiet began (see `GroupDetector`).
   */
  get unquietedScore(): number {
    return this.lastUnquieted;
  }

  /** Points seen so far. */
  get count(): number {
    return this.state[COUNT]!;
  }

  /**
   * Scores the value `x` at time `t` (Unix ms) and learns from it; returns the score in [0,1].
   * Missing values (NaN) score 0 and teach nothing.
   */
  update(t: number, x: number): number {
    if (!Number.isFinite(x)) {
      this.lastDeviation = 0;
      this.lastUnquieted = 0;
      return 0;
    }
    const s = this.state;
    s[COUNT] = s[COUNT]! + 1;
    const dayPhase = phaseOf(t, DAY_MS);
    const weekPhase = phaseOf(t, WEEK_MS);
    const daily = this.day.at(dayPhase);
    const weekly = this.week.at(weekPhase);
    const periodMs = this.period.periodMs;
    const cyclePhase = periodMs > 0 ? phaseOf(t - this.period.origin, periodMs) : 0;
    const cyclic = periodMs > 0 ? this.cycle.at(cyclePhase) : 0;
    const localExpected = this.local.level;
    const localSigma = this.local.scale;
    const seasonalExpected = this.deseasonalised.level + daily + weekly + cyclic;
    const seasonalSigma = Math.max(this.deseasonalised.scale, this.day.spreadAt(dayPhase), periodMs > 0 ? this.cycle.spreadAt(cyclePhase) : 0);
    const started = this.local.count > 0;
    // Scale floor: a sigma below this fraction of the range seen is quantisation, not calm.
    const rangeFloor = this.options.scaleFloor * (s[MAX]! - s[MIN]!);
    const localDeviation = started ? deviationOf(x - localExpected, Math.max(localSigma, rangeFloor), localExpected) : 0;
    const seasonalDeviation = started ? deviationOf(x - seasonalExpected, Math.max(seasonalSigma, rangeFloor), seasonalExpected) : 0;
    // The seasonal channel stays silent until every hour of the day has been seen once.
    const seasonalReady = this.day.ready || (periodMs > 0 && this.cycle.ready);
    // When the seasonal baseline clearly predicts this series better, the local level's surprises
    // are explained by the season (a daily ramp) and only the seasonal channel speaks; otherwise
    // the more surprised of the two calibrated channels does.
    const seasonalBetter = seasonalReady && s[ERR_SEASONAL]! < this.options.seasonalGate * s[ERR_LOCAL]!;
    // Drift: a run of small deviations to one side (a missing daily peak, a slow leak) that no
    // single point reveals, as an exponentially weighted mean of clipped deviations in its own sigmas.
    const da = this.options.driftAlpha;
    const baseDeviation = seasonalBetter ? seasonalDeviation : localDeviation;
    const clippedDeviation = Math.max(-this.options.driftClip, Math.min(this.options.driftClip, baseDeviation));
    const drift = s[DRIFT]! + da * (clippedDeviation - s[DRIFT]!);
    s[DRIFT] = drift;
    const sc = this.scratch;
    sc[LOCAL_DEVIATION] = localDeviation;
    sc[SEASONAL_DEVIATION] = seasonalDeviation;
    sc[DRIFT_DEVIATION] = drift / Math.sqrt(da / (2 - da));
    this.scoreChannels(seasonalReady);
    const localScore = sc[LOCAL_SCORE]!;
    const seasonalScore = sc[SEASONAL_SCORE]!;
    const driftScore = sc[DRIFT_SCORE]!;
    const useSeasonal = seasonalBetter || (seasonalReady && seasonalScore > localScore);
    const expected = useSeasonal ? seasonalExpected : localExpected;
    const sigma = useSeasonal ? seasonalSigma : localSigma;
    const deviation = useSeasonal ? seasonalDeviation : localDeviation;
    const pointScore = useSeasonal ? seasonalScore : localScore;
    const drifting = driftScore > pointScore;
    this.lastSeenLow = s[MIN]!;
    this.lastSeenHigh = s[MAX]!;
    const outOfRange = this.outOfRange(x) && Math.abs(useSeasonal ? seasonalDeviation : localDeviation) >= this.options.range.minDeviation;
    // A drift's likelihood rises smoothly (the drift is a mean over ~1/driftAlpha points), so its
    // alarm scores just above the alarm level whatever the drift's size, among the many marginal
    // alarms there. Once it alarms, the drift's own tail (in the decades a point's deviation would
    // score) ranks it by size, up to medium: that size is in iid sigmas, which overstate a drift of
    // an autocorrelated series, so only the likelihood, calibrated per series, makes it an event.
    const driftAlarm =
      driftScore >= this.options.alarm.level
        ? Math.max(driftScore, Math.min(SEVERITY_FROM.medium, surpriseOf(sc[DRIFT_DEVIATION]!, this.options.surpriseScale)))
        : driftScore;
    const unquieted = outOfRange ? 1 : drifting ? driftAlarm : pointScore;
    this.lastUnquieted = unquieted;
    const score = this.afterAlarm(unquieted);

    sc[X] = x;
    sc[T] = t;
    sc[DAILY] = daily;
    sc[WEEKLY] = weekly;
    sc[CYCLIC] = cyclic;
    sc[DAY_PHASE] = dayPhase;
    sc[WEEK_PHASE] = weekPhase;
    sc[CYCLE_PHASE] = cyclePhase;
    sc[LOCAL_EXPECTED] = localExpected;
    sc[SEASONAL_EXPECTED] = seasonalExpected;
    const shifted = this.learn(started);
    const baseSigma = seasonalBetter ? Math.max(seasonalSigma, rangeFloor) : Math.max(localSigma, rangeFloor);
    this.lastDriftMean = drift * baseSigma;
    this.lastDriftSigmas = sc[DRIFT_DEVIATION]!;
    this.lastLevelFrom = localExpected;
    this.lastLevelTo = this.local.level;
    if (t > this.previousT) this.stepMs = t - this.previousT;
    this.previousT = t;

    this.lastExpected = expected;
    this.lastSigma = sigma;
    this.lastDeviation = deviation;
    this.lastDetector = shifted ? 'level-shift' : outOfRange ? 'out-of-range' : drifting ? 'drift' : useSeasonal ? 'seasonal-baseline' : 'robust-level';
    return score;
  }

  /**
   * Turns the three channels' deviations (in `scratch`) into surprises and those into calibrated
   * scores (back into `scratch`). The seasonal likelihood starts learning only once the channel is
   * ready, so switching the channel on is not itself a surprise.
   */
  private scoreChannels(seasonalReady: boolean): void {
    const sc = this.scratch;
    const scale = this.options.surpriseScale;
    sc[LOCAL_SCORE] = this.localLikelihood.updateScore(surpriseOf(sc[LOCAL_DEVIATION]!, scale));
    sc[SEASONAL_SCORE] = seasonalReady ? this.seasonalLikelihood.updateScore(surpriseOf(sc[SEASONAL_DEVIATION]!, scale)) : 0;
    sc[DRIFT_SCORE] = this.driftLikelihood.updateScore(surpriseOf(sc[DRIFT_DEVIATION]!, scale));
  }

  /**
   * Learns from the point whose predictions `update` left in `scratch`; returns true when the
   * local level completed a level shift. A method of its own, fed through a typed array, so the
   * JIT optimises scoring and learning separately without boxing numbers between them (one big
   * method exceeds V8's inlining budget and allocates on every point).
   */
  private learn(started: boolean): boolean {
    const s = this.state;
    const sc = this.scratch;
    const x = sc[X]!;
    const daily = sc[DAILY]!;
    const weekly = sc[WEEKLY]!;
    const cyclic = sc[CYCLIC]!;
    if (started) {
      const ea = this.options.errorAlpha;
      s[ERR_LOCAL] = s[ERR_LOCAL]! + ea * (Math.abs(x - sc[LOCAL_EXPECTED]!) - s[ERR_LOCAL]!);
      s[ERR_SEASONAL] = s[ERR_SEASONAL]! + ea * (Math.abs(x - sc[SEASONAL_EXPECTED]!) - s[ERR_SEASONAL]!);
    }
    const shifted = this.local.update(x);
    this.deseasonalised.update(x - daily - weekly - cyclic);
    const base = this.deseasonalised.level;
    const t = sc[T]!;
    // The time this point stands for (0 for the first point and for a repeated timestamp).
    const step = s[COUNT]! > 1 && t > s[LAST_T]! ? t - s[LAST_T]! : 0;
    s[LAST_T] = t;
    const periodMs = this.period.periodMs;
    this.day.update(sc[DAY_PHASE]!, x - base - weekly - cyclic, Math.min(1, step / DAY_BUCKET_MS));
    this.week.update(sc[WEEK_PHASE]!, x - base - daily - cyclic, Math.min(1, step / WEEK_BUCKET_MS));
    if (periodMs > 0) this.cycle.update(sc[CYCLE_PHASE]!, x - base - daily - weekly, Math.min(1, (step * CYCLE_BUCKETS) / periodMs));
    else if (!this.period.decided) this.period.update(t, x);
    return shifted;
  }

  /** True when x lies beyond the range seen so far by more than the tolerance; then widens the range. */
  private outOfRange(x: number): boolean {
    const s = this.state;
    const { tolerance, after } = this.options.range;
    if (s[COUNT] === 1) {
      s[MIN] = x;
      s[MAX] = x;
      return false;
    }
    const lo = s[MIN]!;
    const hi = s[MAX]!;
    // A series that has held one value is out of range at any other (the tolerance of its size then).
    const margin = hi > lo ? (hi - lo) * tolerance : Math.abs(hi) * tolerance;
    const beyond = s[COUNT]! > after && (x > hi + margin || x < lo - margin);
    if (x < lo) s[MIN] = x;
    if (x > hi) s[MAX] = x;
    return beyond;
  }

  /**
   * One incident is one alarm: after the score reaches `alarm.level`, the following
   * `alarm.quietPoints` points are scaled by `alarm.quietFactor`, so a lasting anomaly is reported
   * when it starts instead of as hundreds of repeated alarms.
   */
  private afterAlarm(score: number): number {
    const s = this.state;
    const n = s[COUNT]!;
    const { level, quietPoints, quietFactor } = this.options.alarm;
    if (n <= s[QUIET_UNTIL]!) return score * quietFactor;
    if (score >= level) s[QUIET_UNTIL] = n + quietPoints;
    return score;
  }

  /**
   * The explanation of the last scored point, kept within the series' own range: the expected value
   * and the band are clamped to the smallest and largest values seen (this one included; an
   * expected value within a millionth of that range from an edge is the edge, not an exponential
   * tail like 1e-82), and the sigma behind band and deviation is at least `explainScaleFloor` of the
   * range, so a series that was flat does not explain a small step as 10^11 sigmas. The severity is
   * read off the score. A drift, a level shift or a value out of range carries its `evidence` (the
   * drift's mean departure, the levels, the range seen): the point itself need not deviate much.
   */
  explain(t: number, value: number, score: number): ScoredPoint {
    const s = this.state;
    const lo = s[COUNT]! > 0 ? Math.min(s[MIN]!, value) : value;
    const hi = s[COUNT]! > 0 ? Math.max(s[MAX]!, value) : value;
    const range = hi - lo;
    const raw = Number.isNaN(this.lastExpected) ? value : this.lastExpected;
    const clamped = Math.min(hi, Math.max(lo, raw));
    const snap = 1e-6 * range;
    const expected = clamped - lo <= snap ? lo : hi - clamped <= snap ? hi : clamped;
    const sigma = Math.max(this.lastSigma, this.options.explainScaleFloor * range);
    const band = this.options.bandSigmas * sigma;
    const point: ScoredPoint = {
      t,
      value,
      score,
      expected,
      lower: Math.max(lo, expected - band),
      upper: Math.min(hi, expected + band),
      deviation: sigma > 0 ? (value - expected) / sigma : 0,
      detector: this.lastDetector,
      severity: severityOf(score),
    };
    const evidence = this.evidence(lo, hi);
    if (evidence) point.evidence = evidence;
    return point;
  }

  /**
   * What the detector that fired on the last point found, when that is more than the point's
   * deviation; levels are clamped to the range seen (`lo`..`hi`), like the expected value.
   */
  private evidence(lo: number, hi: number): Evidence | undefined {
    const within = (x: number) => Math.min(hi, Math.max(lo, x));
    switch (this.lastDetector) {
      case 'out-of-range':
        return { seenLow: this.lastSeenLow, seenHigh: this.lastSeenHigh };
      case 'level-shift':
        return { levelFrom: within(this.lastLevelFrom), levelTo: within(this.lastLevelTo) };
      case 'drift': {
        const driftPoints = Math.round(1 / this.options.driftAlpha);
        const evidence: Evidence = { driftMean: this.lastDriftMean, driftSigmas: this.lastDriftSigmas, driftPoints };
        if (Number.isFinite(this.stepMs)) evidence.driftMs = driftPoints * this.stepMs;
        return evidence;
      }
      default:
        return undefined;
    }
  }
}

/**
 * Raw surprise in [0,1]: -log10 of the two-sided normal tail probability of the deviation, over
 * `scale` decades. Ordinary noise gives values near 0 (mean 0.43 decades), so a rare deviation stands
 * out against the long-run average the likelihood compares with.
 */
function surpriseOf(deviation: number, scale: number): number {
  const z = Math.abs(deviation);
  const decades = z < TAIL_DECADES_TO ? TAIL_DECADES.at(z) : twoSidedTailDecades(z);
  return decades >= scale ? 1 : decades > 0 ? decades / scale : 0;
}

// -log10 of the two-sided tail up to 16 sigmas (57 decades, beyond any useful surprise scale), in
// 1/256-sigma steps: within 1e-5 decades of the exact value.
const TAIL_DECADES_TO = 16;
const TAIL_DECADES = new LookupTable(twoSidedTailDecades, 0, TAIL_DECADES_TO, 4096);

/** Position of t within its period, in [0,1): a floor instead of two float modulos. */
function phaseOf(t: number, periodMs: number): number {
  const r = t - Math.floor(t / periodMs) * periodMs;
  return (r < 0 ? r + periodMs : r >= periodMs ? r - periodMs : r) / periodMs;
}

/** Residual in sigmas; a zero sigma (a flat series) is floored relative to the value's magnitude. */
function deviationOf(residual: number, sigma: number, expected: number): number {
  const floor = 1e-9 + 1e-6 * Math.abs(expected);
  return residual / (sigma > floor ? sigma : floor);
}
