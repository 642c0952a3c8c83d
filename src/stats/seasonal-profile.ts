/**
 * A seasonal profile: the typical deviation from the level at each phase of a period (hour of day,
 * day of week, or a learned period), as `buckets` exponentially weighted means, read and updated
 * with linear interpolation between neighbouring buckets so the profile has no steps.
 *
 * Each bucket also keeps its own spread (mean absolute deviation), because a series is often
 * noisier at some phases than others (a daily ramp-up inside one bucket), and one global band would
 * then alarm at that phase every day.
 *
 * The memory is per visit of a bucket, not per point: a point weighs the share of a bucket's width
 * its time step covers, so a bucket moves by about `memory` per visit (per day for an hour-of-day
 * profile) whether the series has a point a minute or one every half hour. (Per point, an hourly
 * bucket of a one-minute series forgot the previous days within minutes and followed the current
 * hour like a second local level: a missing daily peak was learned as the new profile while it
 * happened.)
 *
 * State: 3 * buckets numbers (means, update weights, spreads) in a caller-owned Float64Array.
 */
export class SeasonalProfile {
  // The last phase located, and its buckets and weight: a point reads and updates the same phase
  // several times, and this keeps the hot path free of allocations.
  private phase = Number.NaN;
  private i = 0;
  private j = 0;
  private f = 0;
  // Readiness only ever turns on (bucket weights only grow), so once seen it is not checked again.
  private readySeen = false;

  constructor(
    private readonly s: Float64Array,
    private readonly o: number,
    readonly buckets: number,
    /** Weight of a new visit (a bucket's width of points) in its bucket, once warmed up. */
    private readonly memory: number,
  ) {}

  static slots(buckets: number): number {
    return 3 * buckets;
  }

  /** Expected deviation at phase (0..1 of the period). */
  at(phase: number): number {
    this.locate(phase);
    return this.s[this.o + this.i]! * (1 - this.f) + this.s[this.o + this.j]! * this.f;
  }

  /** Typical absolute deviation from the profile at phase, as a normal sigma. */
  spreadAt(phase: number): number {
    this.locate(phase);
    const b = this.o + 2 * this.buckets;
    return (this.s[b + this.i]! * (1 - this.f) + this.s[b + this.j]! * this.f) * 1.2533;
  }

  /**
   * Moves the profile at `phase` towards `deviation`; `share` is the fraction of a bucket's width
   * this point stands for (its time step over the width, at most 1).
   */
  update(phase: number, deviation: number, share: number): void {
    this.locate(phase);
    this.nudge(this.i, deviation, 1 - this.f, share);
    this.nudge(this.j, deviation, this.f, share);
  }

  /** True once every bucket has seen some data. */
  get ready(): boolean {
    if (this.readySeen) return true;
    for (let b = 0; b < this.buckets; b++) if (this.s[this.o + this.buckets + b]! < 0.5) return false;
    this.readySeen = true;
    return true;
  }

  private nudge(bucket: number, deviation: number, weight: number, share: number): void {
    if (weight <= 0) return;
    const wi = this.o + this.buckets + bucket;
    const seen = this.s[wi]! + weight;
    this.s[wi] = seen;
    // While warming up, the plain mean of the values seen; then the memory per visit.
    const rate = Math.max(weight / seen, weight * this.memory * share);
    const mi = this.o + bucket;
    const error = deviation - this.s[mi]!;
    this.s[mi] = this.s[mi]! + rate * error;
    const si = this.o + 2 * this.buckets + bucket;
    this.s[si] = this.s[si]! + rate * (Math.abs(error) - this.s[si]!);
  }

  private locate(phase: number): void {
    if (phase === this.phase) return;
    this.phase = phase;
    const p = phase * this.buckets - 0.5;
    const fl = Math.floor(p);
    this.f = p - fl;
    this.i = ((fl % this.buckets) + this.buckets) % this.buckets;
    this.j = this.i + 1 === this.buckets ? 0 : this.i + 1;
  }
}
