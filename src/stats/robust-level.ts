/**
 * Streaming robust level and scale: an exponentially weighted mean whose updates are clipped at
 * `clip` scales (a Huber M-estimate, so one spike barely moves it), and a scale that is the
 * exponentially weighted mean absolute deviation, also clipped, turned into a normal sigma.
 * After a level shift (many consecutive residuals beyond `shiftZ` scales on the same side) the level
 * jumps to the new values instead of crawling there and keeping the detector firing for hours.
 *
 * State is 5 numbers in a caller-owned Float64Array at `offset` (see ROBUST_LEVEL_SLOTS).
 */
export const ROBUST_LEVEL_SLOTS = 5;
const LEVEL = 0;
const SCALE = 1;
const COUNT = 2;
const RUN = 3; // signed count of consecutive same-side outliers
const RUN_SUM = 4; // sum of their residuals, to place the new level

const MAD_TO_SIGMA = 1.2533; // mean absolute deviation of a normal = sigma * sqrt(2/pi)

export interface RobustLevelOptions {
  /** Weight of a new point in the level (0..1). */
  alpha: number;
  /** Weight of a new point in the scale. */
  scaleAlpha: number;
  /** Residuals are clipped at this many scales before they update level and scale. */
  clip: number;
  /** A residual beyond this many scales counts towards a level shift. */
  shiftZ: number;
  /** This many consecutive same-side outliers make a level shift. */
  shiftRun: number;
}

export class RobustLevel {
  constructor(
    private readonly s: Float64Array,
    private readonly o: number,
    private readonly opt: RobustLevelOptions,
  ) {}

  get level(): number {
    return this.s[this.o + LEVEL]!;
  }

  /** Robust sigma; 0 until two distinct values were seen. */
  get scale(): number {
    return this.s[this.o + SCALE]! * MAD_TO_SIGMA;
  }

  get count(): number {
    return this.s[this.o + COUNT]!;
  }

  /** Feeds one value; returns true when it completed a level shift. */
  update(x: number): boolean {
    const s = this.s;
    const o = this.o;
    const n = s[o + COUNT]!;
    s[o + COUNT] = n + 1;
    if (n === 0) {
      s[o + LEVEL] = x;
      return false;
    }
    const level = s[o + LEVEL]!;
    const mad = s[o + SCALE]!;
    const r = x - level;
    const absR = Math.abs(r);
    // Warm-up: plain running averages until the estimates mean something.
    const warm = n < 1 / this.opt.alpha;
    const a = warm ? 1 / (n + 1) : this.opt.alpha;
    const sa = n < 1 / this.opt.scaleAlpha ? 1 / n : this.opt.scaleAlpha;
    const limit = this.opt.clip * mad * MAD_TO_SIGMA;
    const clipped = mad > 0 && !warm ? Math.max(-limit, Math.min(limit, r)) : r;
    s[o + LEVEL] = level + a * clipped;
    s[o + SCALE] = mad + sa * (Math.min(absR, mad > 0 ? limit : absR) - mad);
    return this.trackShift(r, mad * MAD_TO_SIGMA);
  }

  private trackShift(r: number, sigma: number): boolean {
    const s = this.s;
    const o = this.o;
    const run = s[o + RUN]!;
    if (sigma <= 0 || Math.abs(r) < this.opt.shiftZ * sigma) {
      s[o + RUN] = 0;
      s[o + RUN_SUM] = 0;
      return false;
    }
    const side = r > 0 ? 1 : -1;
    const sameSide = run * side > 0;
    const newRun = sameSide ? run + side : side;
    const sum = (sameSide ? s[o + RUN_SUM]! : 0) + r;
    if (Math.abs(newRun) >= this.opt.shiftRun) {
      // Jump to the mean of the outlying run (its residuals were measured from a level that barely moved).
      s[o + LEVEL] = s[o + LEVEL]! + sum / Math.abs(newRun);
      s[o + RUN] = 0;
      s[o + RUN_SUM] = 0;
      return true;
    }
    s[o + RUN] = newRun;
    s[o + RUN_SUM] = sum;
    return false;
  }
}
