/**
 * Binning of feature columns, the step that makes the forest histogram-based: every split
 * search looks at at most `maxBins` candidate thresholds per feature instead of every distinct value.
 * Bin 0 holds missing values (NaN); bins 1..k hold values, bin b meaning cuts[b-2] < v <= cuts[b-1].
 */
export interface FeatureBins {
  /** Ascending cut points per feature; a value v falls in bin 1 + (number of cuts below v). */
  cuts: Float64Array[];
}

/** Rows of a feature matrix stored column by column: `columns[f][i]` is feature f of row i. */
export interface ColumnMatrix {
  rows: number;
  columns: Float64Array[];
}

const SAMPLE_FOR_CUTS = 20_000;

export function fitBins(matrix: ColumnMatrix, maxBins: number): FeatureBins {
  if (maxBins < 2 || maxBins > 255) throw new Error(`fitBins: maxBins must be in [2, 255], got ${maxBins}`);
  const stride = Math.max(1, Math.floor(matrix.rows / SAMPLE_FOR_CUTS));
  const cuts = matrix.columns.map((column) => {
    const values: number[] = [];
    for (let i = 0; i < matrix.rows; i += stride) {
      const v = column[i]!;
      if (!Number.isNaN(v)) values.push(v);
    }
    values.sort((a, b) => a - b);
    return mixedCuts(values, maxBins - 1);
  });
  return { cuts };
}

/**
 * Half the cuts at quantiles, half evenly spaced between min and max: quantiles alone give the rare
 * tail (where failures live: memory near its limit, a disk nearly full) a single bin.
 */
function mixedCuts(sorted: number[], count: number): Float64Array {
  if (sorted.length === 0) return new Float64Array(0);
  const quantiles = quantileCuts(sorted, Math.ceil(count / 2));
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const even: number[] = [];
  const parts = count - quantiles.length;
  for (let i = 1; i < parts; i += 1) even.push(lo + ((hi - lo) * i) / parts);
  const all = [...quantiles, ...even].filter((v) => v < hi).sort((a, b) => a - b);
  return Float64Array.from(all.filter((v, i) => i === 0 || v > all[i - 1]!).slice(0, count - 1));
}

/** Distinct cut points at evenly spaced quantiles of sorted `values`, at most `count - 1` of them. */
function quantileCuts(sorted: number[], count: number): Float64Array {
  const out: number[] = [];
  if (sorted.length === 0) return new Float64Array(0);
  for (let q = 1; q < count; q += 1) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / count))]!;
    // A cut at the maximum would leave an empty bin above it.
    if (v < sorted[sorted.length - 1]! && (out.length === 0 || v > out[out.length - 1]!)) out.push(v);
  }
  return Float64Array.from(out);
}

export function binOf(cuts: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

export function binMatrix(matrix: ColumnMatrix, bins: FeatureBins): Uint8Array[] {
  return matrix.columns.map((column, f) => {
    const cuts = bins.cuts[f]!;
    const out = new Uint8Array(matrix.rows);
    for (let i = 0; i < matrix.rows; i += 1) out[i] = binOf(cuts, column[i]!);
    return out;
  });
}

/** Raw-value threshold equivalent to "bin <= b": NaN and values <= the threshold go left. */
export function thresholdOfBin(cuts: Float64Array, b: number): number {
  return b === 0 ? -Infinity : cuts[b - 1]!;
}
