import type { DatasetRow } from './dataset.js';

export interface Evaluation {
  rows: number;
  positives: number;
  /** Average precision: the area under the precision-recall step curve. */
  prAuc: number;
  /** Best precision among thresholds with recall >= 0.5, and that threshold. */
  precisionAtHalfRecall: number;
  threshold: number;
  /** Precision and recall at `threshold`. */
  precision: number;
  recall: number;
  /** Alerts preceded by at least one positive window, and those with a window at or above the threshold. */
  incidents: number;
  detected: number;
  /** Median over detected incidents of the time between the earliest flagged window end and the alert. */
  medianLeadMs: number | null;
}

interface Point {
  threshold: number;
  precision: number;
  recall: number;
}

/** Precision-recall points at every distinct score, highest score first (ties form one point). */
export function precisionRecallCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): Point[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) positives += labels[i]!;
  const points: Point[] = [];
  let tp = 0;
  let k = 0;
  while (k < order.length) {
    const threshold = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === threshold) {
      tp += labels[order[k]!]!;
      k += 1;
    }
    points.push({ threshold, precision: tp / k, recall: positives === 0 ? 0 : tp / positives });
  }
  return points;
}

export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let ap = 0;
  let previousRecall = 0;
  for (const p of precisionRecallCurve(scores, labels)) {
    ap += (p.recall - previousRecall) * p.precision;
    previousRecall = p.recall;
  }
  return ap;
}

export function evaluateScores(rows: readonly DatasetRow[], scores: ArrayLike<number>, targetRecall = 0.5): Evaluation {
  if (rows.length !== scores.length) throw new Error(`evaluateScores: ${scores.length} scores for ${rows.length} rows`);
  const labels = rows.map((row) => row.label);
  const curve = precisionRecallCurve(scores, labels);
  let best: Point = { threshold: Infinity, precision: 0, recall: 0 };
  for (const p of curve) if (p.recall >= targetRecall && p.precision > best.precision) best = p;
  const leads = new Map<string, number>();
  const incidents = new Set<string>();
  rows.forEach((row, i) => {
    if (row.label !== 1) return;
    const key = `${row.entity}\u0000${row.alertStartsAt}`;
    incidents.add(key);
    if (scores[i]! >= best.threshold) leads.set(key, Math.max(leads.get(key) ?? 0, row.leadMs ?? 0));
  });
  return {
    rows: rows.length,
    positives: labels.reduce<number>((a, b) => a + b, 0),
    prAuc: averagePrecision(scores, labels),
    precisionAtHalfRecall: best.precision,
    threshold: best.threshold,
    precision: best.precision,
    recall: best.recall,
    incidents: incidents.size,
    detected: leads.size,
    medianLeadMs: median([...leads.values()]),
  };
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
