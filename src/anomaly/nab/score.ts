/**
 * The Numenta Anomaly Benchmark (NAB v1.1) scoring rules: anomaly windows, the scaled sigmoid, the
 * probationary period, one threshold per profile optimised over all files, and normalisation
 * between the null detector (never fires) and the perfect one. Agrees with the reference scorer
 * ../shared/tools/nab/nab_score.py.
 */
import { NAB_PROBATION_FRACTION, type NabWeights } from './profiles.js';

/** One labelled data file: its row timestamps (Unix ms) and anomaly windows [start, end] (inclusive, ms). */
export interface NabFile {
  name: string;
  timestamps: readonly number[];
  windows: readonly (readonly [number, number])[];
}

export interface NabCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  windowsDetected: number;
  windowsMissed: number;
}

export interface NabFileResult extends NabCounts {
  file: string;
  raw: number;
}

export interface NabProfileResult {
  /** Normalised score: 0 = never fires, 100 = perfect. */
  score: number;
  raw: number;
  /** The chosen threshold (a row fires iff its score >= threshold); null = never fire. */
  threshold: number | null;
  mode: 'optimised' | 'fixed';
  null: number;
  perfect: number;
  counts: NabCounts;
  weights: NabWeights;
  perFile: NabFileResult[];
}

/** A file prepared for scoring: window rows resolved, probation applied. */
export interface PreparedNabFile {
  name: string;
  n: number;
  probation: number;
  windows: [number, number][];
  scorableWindows: number;
  warnings: string[];
}

/** Maps windows to row ranges: exact timestamp matches, else the rows inside the window. */
export function prepareNabFile(file: NabFile, probationFraction = NAB_PROBATION_FRACTION): PreparedNabFile {
  const { timestamps: ts, name } = file;
  const n = ts.length;
  const probation = Math.min(Math.floor(probationFraction * n), probationFraction * 5000);
  const firstIndex = new Map<number, number>();
  ts.forEach((t, i) => {
    if (!firstIndex.has(t)) firstIndex.set(t, i);
  });
  const warnings: string[] = [];
  const windows: [number, number][] = [];
  for (const [a, b] of file.windows) {
    let left = firstIndex.get(a);
    let right = firstIndex.get(b);
    if (left === undefined || right === undefined) {
      left = lowerBound(ts, a);
      right = upperBound(ts, b) - 1;
      warnings.push(`${name}: window ${a}..${b} does not match data timestamps exactly; using rows ${left}..${right}`);
    }
    if (right < left) throw new Error(`${name}: empty window ${new Date(a).toISOString()}..${new Date(b).toISOString()}`);
    windows.push([left, right]);
  }
  windows.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (let k = 1; k < windows.length; k++) {
    if (windows[k]![0] <= windows[k - 1]![1]) throw new Error(`${name}: overlapping anomaly windows`);
  }
  const scorableWindows = windows.filter(([, r]) => r >= probation).length;
  return { name, n, probation, windows, scorableWindows, warnings };
}

function lowerBound(ts: readonly number[], x: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(ts: readonly number[], x: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** NAB's scaled sigmoid: 2/(1+e^(5y)) - 1, and -1 beyond y = 3. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/**
 * Calls `visit(row, window, value)` for every row after probation: `window` is the index of the
 * window holding the row (-1 outside), `value` what the row earns if it fires (a TP's value, or an
 * FP's (negative) cost, smaller right after a window as NAB forgives late detections).
 */
function forEachScorableRow(file: PreparedNabFile, w: NabWeights, visit: (row: number, window: number, value: number) => void): void {
  const wins = file.windows;
  let k = 0;
  let prev: [number, number] | undefined;
  for (let i = 0; i < file.n; i++) {
    while (k < wins.length && wins[k]![1] < i) {
      prev = wins[k];
      k++;
    }
    const current = wins[k];
    const inside = current !== undefined && current[0] <= i && i <= current[1];
    if (i < file.probation) continue;
    if (inside) {
      const [left, right] = current;
      const y = -(right - i + 1) / (right - left + 1);
      visit(i, k, (w.tpWeight * scaledSigmoid(y)) / MAX_TP);
    } else {
      let v = -1;
      if (prev) {
        const width = prev[1] - prev[0] + 1;
        v = width > 1 ? scaledSigmoid((i - prev[1]) / (width - 1)) : -1;
      }
      visit(i, -1, w.fpWeight * v);
    }
  }
}

/** Scores all files at a fixed threshold: a row fires iff its score >= threshold. */
export function scoreAtThreshold(
  files: readonly PreparedNabFile[],
  scores: ReadonlyMap<string, ArrayLike<number>>,
  w: NabWeights,
  threshold: number,
): { total: NabFileResult; perFile: NabFileResult[] } {
  const perFile: NabFileResult[] = [];
  const total: NabFileResult = { file: '', raw: 0, tp: 0, fp: 0, fn: 0, tn: 0, windowsDetected: 0, windowsMissed: 0 };
  for (const file of files) {
    const sc = scoresOf(scores, file);
    const best = new Map<number, number>();
    let fpSum = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    forEachScorableRow(file, w, (i, k, v) => {
      const fire = firingScore(sc[i]!) >= threshold;
      if (k >= 0) {
        if (fire) {
          tp++;
          best.set(k, Math.max(best.get(k) ?? -w.fnWeight, v));
        } else fn++;
      } else if (fire) {
        fp++;
        fpSum += v;
      } else tn++;
    });
    let detectedSum = 0;
    for (const v of best.values()) detectedSum += v;
    const raw = detectedSum - w.fnWeight * (file.scorableWindows - best.size) + fpSum;
    const r: NabFileResult = { file: file.name, raw, tp, fp, fn, tn, windowsDetected: best.size, windowsMissed: file.scorableWindows - best.size };
    perFile.push(r);
    total.raw += raw;
    total.tp += tp;
    total.fp += fp;
    total.fn += fn;
    total.tn += tn;
    total.windowsDetected += r.windowsDetected;
    total.windowsMissed += r.windowsMissed;
  }
  return { total, perFile };
}

/** NaN or missing scores never fire. */
function firingScore(s: number): number {
  return Number.isNaN(s) ? -Infinity : s;
}

function scoresOf(scores: ReadonlyMap<string, ArrayLike<number>>, file: PreparedNabFile): ArrayLike<number> {
  const sc = scores.get(file.name);
  if (!sc) throw new Error(`no detector scores for ${file.name}`);
  if (sc.length !== file.n) throw new Error(`${file.name}: ${file.n} data rows but ${sc.length} result rows`);
  return sc;
}

/**
 * NAB's raw score over all files as a step function of the threshold (a row fires when its score is
 * at least the threshold): "never fire" (Infinity) first, then every distinct score, highest first,
 * each with the raw score it gives. One sweep over the rows sorted by score.
 */
export function rawScoreByThreshold(files: readonly PreparedNabFile[], scores: ReadonlyMap<string, ArrayLike<number>>, w: NabWeights): { thresholds: number[]; raw: number[] } {
  const pointScore: number[] = [];
  const pointWindow: number[] = [];
  const pointValue: number[] = [];
  let windowBase = 0;
  let scorableWindows = 0;
  for (const file of files) {
    const sc = scoresOf(scores, file);
    forEachScorableRow(file, w, (i, k, v) => {
      pointScore.push(firingScore(sc[i]!));
      pointWindow.push(k >= 0 ? windowBase + k : -1);
      pointValue.push(v);
    });
    windowBase += file.windows.length;
    scorableWindows += file.scorableWindows;
  }
  const order = Array.from(pointScore.keys()).sort((a, b) => pointScore[b]! - pointScore[a]! || a - b);
  const best = new Map<number, number>();
  let windowSum = -w.fnWeight * scorableWindows;
  let fpSum = 0;
  const thresholds = [Infinity];
  const raw = [windowSum];
  let j = 0;
  while (j < order.length) {
    const threshold = pointScore[order[j]!]!;
    if (threshold === -Infinity) break;
    while (j < order.length && pointScore[order[j]!] === threshold) {
      const p = order[j]!;
      const g = pointWindow[p]!;
      const v = pointValue[p]!;
      if (g >= 0) {
        const old = best.get(g) ?? -w.fnWeight;
        if (v > old) {
          best.set(g, v);
          windowSum += v - old;
        } else if (!best.has(g)) best.set(g, old);
      } else fpSum += v;
      j++;
    }
    thresholds.push(threshold);
    raw.push(windowSum + fpSum);
  }
  return { thresholds, raw };
}

/**
 * The threshold that maximises the raw score over all files: every distinct score is a candidate,
 * plus "never fire"; ties go to the highest threshold.
 */
export function optimiseThreshold(files: readonly PreparedNabFile[], scores: ReadonlyMap<string, ArrayLike<number>>, w: NabWeights): number {
  const { thresholds, raw } = rawScoreByThreshold(files, scores, w);
  let best = 0;
  for (let i = 1; i < raw.length; i++) if (raw[i]! > raw[best]!) best = i;
  return thresholds[best]!;
}

/** 100 * (raw - null) / (perfect - null). */
export function normaliseNab(raw: number, w: NabWeights, files: readonly PreparedNabFile[]): { score: number; perfect: number; null: number } {
  const perfect = w.tpWeight * files.reduce((s, f) => s + f.windows.length, 0);
  const nullScore = -w.fnWeight * files.reduce((s, f) => s + f.scorableWindows, 0) + 0;
  const score = perfect === nullScore ? Number.NaN : (100 * (raw - nullScore)) / (perfect - nullScore);
  return { score, perfect, null: nullScore };
}

/** Scores one profile, with the optimised threshold unless `fixedThreshold` is given. */
export function scoreNabProfile(
  files: readonly PreparedNabFile[],
  scores: ReadonlyMap<string, ArrayLike<number>>,
  weights: NabWeights,
  fixedThreshold?: number,
): NabProfileResult {
  const mode = fixedThreshold === undefined ? 'optimised' : 'fixed';
  const threshold = fixedThreshold ?? optimiseThreshold(files, scores, weights);
  const { total, perFile } = scoreAtThreshold(files, scores, weights, threshold);
  const norm = normaliseNab(total.raw, weights, files);
  const { raw, tp, fp, fn, tn, windowsDetected, windowsMissed } = total;
  return {
    score: norm.score,
    raw,
    threshold: threshold === Infinity ? null : threshold,
    mode,
    null: norm.null,
    perfect: norm.perfect,
    counts: { tp, fp, fn, tn, windowsDetected, windowsMissed },
    weights,
    perFile,
  };
}
