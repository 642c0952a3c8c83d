/**
 * Scoring a wide table (one row per timestamp, one column per series of a group) with the group
 * detector, as the service scores a service's or host's series: per-column univariate detectors
 * plus the isolation forest over their deviations. Causal: a row's scores use only it and the rows
 * before.
 */
import { DEFAULT_GROUP_OPTIONS, GroupDetector, type GroupOptions } from './group.js';

export interface WideScores {
  /** The group's alarm score per row (`GroupDetector.score`: corroborated members' at a broad departure, or a member's out-of-range alarm). */
  group: Float64Array;
  /** The largest of the columns' scores per row (`columns`: each member's served score, see `GroupDetector`). */
  maxSeries: Float64Array;
  /** Each column's score per row, as the service would store it for that series. */
  columns: Float64Array[];
  /** Per row, the columns to blame, most to blame first (see `BLAME_LIMIT`). */
  blame: number[][];
}

/** At most this many columns are blamed for a row. */
export const BLAME_LIMIT = 5;

/**
 * Scores every row in order with a fresh group detector. A row's blame lists the columns whose
 * score is at least half the row's score (when that is above 0), ranked by score, then by how far
 * the column is from its expected value.
 */
export function scoreWide(timestamps: ArrayLike<number>, columns: readonly ArrayLike<number>[], options: GroupOptions = DEFAULT_GROUP_OPTIONS): WideScores {
  const rows = timestamps.length;
  const width = columns.length;
  const detector = new GroupDetector(width, options);
  const out: WideScores = { group: new Float64Array(rows), maxSeries: new Float64Array(rows), columns: columns.map(() => new Float64Array(rows)), blame: [] };
  const values = new Float64Array(width);
  const deviation = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < width; k++) values[k] = columns[k]![r]!;
    const points = detector.update(timestamps[r]!, values);
    let top = 0;
    for (let k = 0; k < width; k++) {
      const score = points[k]!.score;
      out.columns[k]![r] = score;
      deviation[k] = Math.abs(points[k]!.deviation);
      if (score > top) top = score;
    }
    out.group[r] = detector.score;
    out.maxSeries[r] = top;
    const blamed: number[] = [];
    if (top > 0) for (let k = 0; k < width; k++) if (out.columns[k]![r]! >= top / 2) blamed.push(k);
    blamed.sort((a, b) => out.columns[b]![r]! - out.columns[a]![r]! || deviation[b]! - deviation[a]!);
    out.blame.push(blamed.length > BLAME_LIMIT ? blamed.slice(0, BLAME_LIMIT) : blamed);
  }
  return out;
}
