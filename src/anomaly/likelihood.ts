/**
 * Anomaly likelihood, the idea behind HTM's NAB results: a raw surprise alone is a poor alarm (a
 * noisy series is always surprised), so compare the recent mean surprise with the long-run
 * distribution of that same mean in this series, and report how improbable it is. The result is
 * calibrated per series: a series that is always a little surprising stops alarming, a calm
 * series alarms on its first odd stretch.
 *
 * State: `window` recent surprises (ring), then position, sum, long-run mean, variance and count.
 */
import { LookupTable } from '../stats/lookup-table.js';
import { normalTail } from '../stats/normal.js';

export interface LikelihoodOptions {
  /** Recent surprises averaged (HTM: 10). */
  window: number;
  /** Weight of a new average in the long-run mean and variance (HTM re-estimates over 8640 points). */
  longAlpha: number;
  /** Points before the long-run distribution is trusted; the likelihood is 0.5 until then. */
  learning: number;
  /**
   * The long-run distribution starts as if this many calm averages (surprise 0) had been seen: a
   * prior that a series is usually unsurprising, which a noisy series outgrows and a calm one keeps.
   */
  priorPoints: number;
  /** Floor of the long-run standard deviation, so a perfectly calm history does not divide by 0. */
  minStd: number;
}

export function likelihoodSlots(o: LikelihoodOptions): number {
  return o.window + 5;
}

export class AnomalyLikelihood {
  private readonly base: number;

  constructor(
    private readonly s: Float64Array,
    private readonly o: number,
    private readonly opt: LikelihoodOptions,
  ) {
    this.base = o + opt.window;
  }

  /**
   * Feeds one raw surprise in [0,1]; returns the likelihood that the recent surprise is unusual
   * (close to 1 = very unusual), in [0,1].
   */
  update(surprise: number): number {
    const z = this.updateZ(surprise);
    return Number.isNaN(z) ? 0.5 : 1 - normalTail(z);
  }

  /** `logLikelihoodScore(update(surprise))`, read from a table: the scorer's hot path. */
  updateScore(surprise: number): number {
    const z = this.updateZ(surprise);
    return Number.isNaN(z) ? LEARNING_SCORE : LOG_SCORE_OF_Z.at(z);
  }

  /** Feeds one surprise; returns how many long-run sigmas the recent mean lies above the long-run mean (NaN while learning). */
  private updateZ(surprise: number): number {
    const s = this.s;
    const b = this.base;
    const w = this.opt.window;
    const pos = s[b]!;
    const slot = this.o + pos;
    let sum = s[b + 1]! - s[slot]! + surprise;
    s[slot] = surprise;
    s[b] = pos + 1 === w ? 0 : pos + 1;
    if (sum < 0) sum = 0; // float drift
    s[b + 1] = sum;
    const count = s[b + 4]! + 1;
    s[b + 4] = count;
    const avg = sum / Math.min(count, w);
    const mean = s[b + 2]!;
    const variance = s[b + 3]!;
    const std = Math.max(Math.sqrt(variance), this.opt.minStd);
    const z = count <= this.opt.learning ? Number.NaN : (avg - mean) / std;
    // Update the long-run distribution after scoring, so a point cannot explain itself away.
    const seen = count + this.opt.priorPoints;
    const a = seen < 1 / this.opt.longAlpha ? 1 / seen : this.opt.longAlpha;
    const d = avg - mean;
    s[b + 2] = mean + a * d;
    s[b + 3] = (1 - a) * (variance + a * d * d);
    return z;
  }
}

/** HTM's log scale: 1 - likelihood of 1e-10 maps to 1, so the interesting tail spreads over [0,1]. */
export function logLikelihoodScore(likelihood: number): number {
  const v = Math.log(1.0000000001 - likelihood) / -23.02585084720009;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

const LEARNING_SCORE = logLikelihoodScore(0.5);
// The score is flat (0 below, 1 - 1e-5 above) outside +-8 sigmas; 1/256-sigma steps keep the
// interpolation within 1e-5 of the exact value.
const LOG_SCORE_OF_Z = new LookupTable((z) => logLikelihoodScore(1 - normalTail(z)), -8, 8, 4096);
