/**
 * Learns a period that is neither a day nor a week (a batch job every 100 minutes, a sensor
 * cycle) from the start of a series: values are averaged in groups of `stride` points into a small
 * buffer, and once it is full the lag with the highest autocorrelation is taken as the period if
 * the correlation is clear. Days and weeks are left to the hour-of-day and day-of-week profiles.
 *
 * State: PERIOD_META_SLOTS numbers, then `bufferSize` buffer numbers which the caller may reuse
 * (e.g. for the learned period's profile) once `decided` is true.
 */
export const PERIOD_META_SLOTS = 6;
const DECIDED = 0; // 0 learning, 1 decided
const PERIOD_MS = 1; // learned period, 0 if none
const FILLED = 2;
const ACCUM = 3;
const ACCUM_COUNT = 4;
const FIRST_T = 5;

const DAY_MS = 86_400_000;

export interface PeriodLearnerOptions {
  stride: number;
  /** Minimum autocorrelation for a period to count. */
  minCorrelation: number;
}

export class PeriodLearner {
  constructor(
    private readonly s: Float64Array,
    private readonly o: number,
    private readonly bufferSize: number,
    private readonly opt: PeriodLearnerOptions,
  ) {}

  get decided(): boolean {
    return this.s[this.o + DECIDED] === 1;
  }

  /** The learned period in ms, or 0 (none, or still learning). */
  get periodMs(): number {
    return this.s[this.o + PERIOD_MS]!;
  }

  /** Time the learned period's phase is measured from. */
  get origin(): number {
    return this.s[this.o + FIRST_T]!;
  }

  update(t: number, x: number): void {
    const s = this.s;
    const o = this.o;
    if (s[o + DECIDED] === 1) return;
    if (s[o + FILLED] === 0 && s[o + ACCUM_COUNT] === 0) s[o + FIRST_T] = t;
    s[o + ACCUM] = s[o + ACCUM]! + x;
    s[o + ACCUM_COUNT] = s[o + ACCUM_COUNT]! + 1;
    if (s[o + ACCUM_COUNT]! < this.opt.stride) return;
    const filled = s[o + FILLED]!;
    s[o + PERIOD_META_SLOTS + filled] = s[o + ACCUM]! / this.opt.stride;
    s[o + ACCUM] = 0;
    s[o + ACCUM_COUNT] = 0;
    s[o + FILLED] = filled + 1;
    if (filled + 1 < this.bufferSize) return;
    const points = this.bufferSize * this.opt.stride;
    const stepMs = (t - s[o + FIRST_T]!) / (points - 1);
    const lag = bestLag(s.subarray(o + PERIOD_META_SLOTS, o + PERIOD_META_SLOTS + this.bufferSize), this.opt.minCorrelation);
    const periodMs = lag * this.opt.stride * stepMs;
    const daily = Math.abs(periodMs / DAY_MS - Math.round(periodMs / DAY_MS)) < 0.1 && periodMs > 0.5 * DAY_MS;
    s[o + PERIOD_MS] = lag > 0 && !daily && periodMs > 0 ? periodMs : 0;
    s[o + DECIDED] = 1;
    s.fill(0, o + PERIOD_META_SLOTS, o + PERIOD_META_SLOTS + this.bufferSize);
  }
}

/**
 * Lag (fractional, refined by a parabola through the peak) of the highest autocorrelation
 * peak between 2 and a third of the buffer, or 0 when no peak reaches `minCorrelation`.
 */
export function bestLag(values: ArrayLike<number>, minCorrelation: number): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2;
  if (!(variance > 0)) return 0;
  const maxLag = Math.floor(n / 3);
  const acf = new Float64Array(maxLag + 2);
  for (let lag = 1; lag <= maxLag + 1; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += (values[i]! - mean) * (values[i - lag]! - mean);
    acf[lag] = sum / variance;
  }
  let best = 0;
  for (let lag = 2; lag <= maxLag; lag++) {
    const isPeak = acf[lag]! > acf[lag - 1]! && acf[lag]! >= acf[lag + 1]!;
    if (isPeak && acf[lag]! >= minCorrelation && (best === 0 || acf[lag]! > acf[best]! + 0.05)) best = lag;
  }
  if (best === 0) return 0;
  const a = acf[best - 1]!;
  const b = acf[best]!;
  const c = acf[best + 1]!;
  const denom = a - 2 * b + c;
  return denom < 0 ? best + (0.5 * (a - c)) / denom : best;
}
