/**
 * A seasonal profile: the typical deviation from the level at each phase of a period (hour of day,
 * day of week, or a learned period), as `buckets` exponentially weighted means, read and updated
 * with linear interpolation between neighbouring buckets so the profile has no steps.
 *
 * Each bucket also keeps its own spread (mean absolute deviation), because a series is often
 * noisier at some phases than others (a daily ramp-up inside one bucket), and one global band would
 * then alarm at that phase every day.
 *
 * State: 3 * buckets numbers (means, update weights, spreads) in a caller-owned Float64Array.
 */
export class SeasonalProfile {
  constructor(
    private readonly s: Float64Array,
    private readonly o: number,
    readonly buckets: number,
    /** Per-bucket weight of a new value once the bucket has seen 1/memory values. */
    private readonly memory: number,
  ) {}

  static slots(buckets: number): number {
    return 3 * buckets;
  }

  /** Expected deviation at phase (0..1 of the period). */
  at(phase: number): number {
    const [i, j, f] = this.locate(phase);
    return this.s[this.o + i]! * (1 - f) + this.s[this.o + j]! * f;
  }

  /** Typical absolute deviation from the profile at phase, as a normal sigma. */
  spreadAt(phase: number): number {
    const [i, j, f] = this.locate(phase);
    const b = this.o + 2 * this.buckets;
    return (this.s[b + i]! * (1 - f) + this.s[b + j]! * f) * 1.2533;
  }

  /** Moves the profile at `phase` towards `deviation`. */
  update(phase: number, deviation: number): void {
    const [i, j, f] = this.locate(phase);
    this.nudge(i, deviation, 1 - f);
    this.nudge(j, deviation, f);
  }

  /** True once every bucket has seen some data. */
  get ready(): boolean {
    for (let b = 0; b < this.buckets; b++) if (this.s[this.o + this.buckets + b]! < 0.5) return false;
    return true;
  }

  private nudge(bucket: number, deviation: number, weight: number): void {
    if (weight <= 0) return;
    const wi = this.o + this.buckets + bucket;
    const seen = this.s[wi]! + weight;
    this.s[wi] = seen;
    const rate = Math.max(weight / seen, weight * this.memory);
    const mi = this.o + bucket;
    const error = deviation - this.s[mi]!;
    this.s[mi] = this.s[mi]! + rate * error;
    const si = this.o + 2 * this.buckets + bucket;
    this.s[si] = this.s[si]! + rate * (Math.abs(error) - this.s[si]!);
  }

  private locate(phase: number): [number, number, number] {
    const p = phase * this.buckets - 0.5;
    const fl = Math.floor(p);
    const f = p - fl;
    const i = ((fl % this.buckets) + this.buckets) % this.buckets;
    const j = i + 1 === this.buckets ? 0 : i + 1;
    return [i, j, f];
  }
}
