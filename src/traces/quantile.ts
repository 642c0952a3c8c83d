/**
 * The q-quantile (0 ≤ q ≤ 1) of values sorted ascending, interpolated linearly between the closest
 * ranks (the definition of DuckDB's quantile_cont and NumPy's default), so trace percentiles agree
 * with the warehouse's rollup percentiles. NaN for no values.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (rank - below);
}
