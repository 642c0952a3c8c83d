/**
 * A smooth function sampled on a uniform grid and read back by linear interpolation: one multiply,
 * one truncation and two reads instead of Math.exp/Math.log on a hot path that runs millions of
 * times a second. Outside [from, to] the end values are returned, so choose a range at whose ends
 * the function is flat (or handle the outside before calling).
 */
export class LookupTable {
  private readonly values: Float64Array;
  private readonly perUnit: number;
  private readonly last: number;

  constructor(
    fn: (x: number) => number,
    private readonly from: number,
    to: number,
    steps: number,
  ) {
    this.values = new Float64Array(steps + 1);
    this.perUnit = steps / (to - from);
    this.last = steps;
    for (let i = 0; i <= steps; i++) this.values[i] = fn(from + i / this.perUnit);
  }

  at(x: number): number {
    const p = (x - this.from) * this.perUnit;
    const v = this.values;
    if (!(p > 0)) return v[0]!;
    if (p >= this.last) return v[this.last]!;
    const i = p | 0;
    const lo = v[i]!;
    return lo + (p - i) * (v[i + 1]! - lo);
  }
}
