import { binMatrix, fitBins, thresholdOfBin, type ColumnMatrix } from './binning.js';
import { randomInt, seededRng, type Rng } from './rng.js';

/**
 * A histogram-based random forest for binary classification. Features are quantile-binned once, each
 * split looks at per-bin sums only (O(rows) per feature and level, not O(rows log rows)), every tree
 * grows on a bootstrap sample and picks among a random subset of features at each node. Class imbalance
 * is handled by class weights in the split criterion, while leaf values stay plain bootstrap frequencies
 * so that the output is an estimate of the true failure probability, not of a rebalanced one.
 */
export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** Smallest number of bootstrap rows a leaf may hold. */
  minSamplesLeaf: number;
  maxBins: number;
  /** Features tried at each node; default ceil(sqrt(feature count)). */
  featuresPerSplit?: number;
  /** 'balanced' weighs each class by rows/(2 * class rows); 'none' weighs every row 1. */
  classWeight: 'balanced' | 'none';
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  trees: 100,
  maxDepth: 12,
  minSamplesLeaf: 5,
  maxBins: 64,
  classWeight: 'balanced',
  seed: 1,
};

/** One tree as flat arrays (JSON-friendly); `feature[i] === -1` marks a leaf. */
export interface Tree {
  feature: number[];
  /** NaN and values <= threshold go left. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Positive-class frequency of the bootstrap rows in the node. */
  value: number[];
}

export interface ForestModel {
  kind: 'sextant-histogram-forest';
  featureNames: string[];
  trees: Tree[];
  /** Total weighted impurity decrease per feature, normalised to sum 1. */
  importance: number[];
  options: ForestOptions;
}

export interface TrainingSet {
  featureNames: string[];
  matrix: ColumnMatrix;
  /** 1 for positive rows, 0 for negative ones. */
  labels: Uint8Array;
}

export function trainForest(data: TrainingSet, overrides: Partial<ForestOptions> = {}): ForestModel {
  const options = { ...DEFAULT_FOREST_OPTIONS, ...overrides };
  const { matrix, labels } = data;
  if (matrix.columns.length !== data.featureNames.length) {
    throw new Error(`trainForest: ${matrix.columns.length} columns but ${data.featureNames.length} feature names`);
  }
  if (labels.length !== matrix.rows) throw new Error(`trainForest: ${labels.length} labels for ${matrix.rows} rows`);
  if (matrix.rows === 0) throw new Error('trainForest: no rows to train on');
  const bins = fitBins(matrix, options.maxBins);
  const binned = binMatrix(matrix, bins);
  const positives = labels.reduce((sum, y) => sum + y, 0);
  const negatives = matrix.rows - positives;
  const weightOf =
    options.classWeight === 'balanced' && positives > 0 && negatives > 0
      ? [matrix.rows / (2 * negatives), matrix.rows / (2 * positives)]
      : [1, 1];
  const featureCount = matrix.columns.length;
  const grower: Grower = {
    binned,
    labels,
    cuts: bins.cuts,
    weightOf,
    options,
    mtry: Math.min(featureCount, options.featuresPerSplit ?? Math.ceil(Math.sqrt(featureCount))),
    importance: new Float64Array(featureCount),
    rng: seededRng(options.seed),
  };
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t += 1) trees.push(growTree(grower));
  const total = grower.importance.reduce((a, b) => a + b, 0) || 1;
  return {
    kind: 'sextant-histogram-forest',
    featureNames: [...data.featureNames],
    trees,
    importance: Array.from(grower.importance, (v) => v / total),
    options,
  };
}

interface Grower {
  binned: Uint8Array[];
  labels: Uint8Array;
  cuts: Float64Array[];
  weightOf: number[];
  options: ForestOptions;
  mtry: number;
  importance: Float64Array;
  rng: Rng;
}

interface PendingNode {
  id: number;
  lo: number;
  hi: number;
  depth: number;
}

function growTree(g: Grower): Tree {
  const n = g.labels.length;
  const counts = new Uint16Array(n);
  for (let i = 0; i < n; i += 1) {
    const i = randomInt(g.rng, n);
    counts[i] = counts[i]! + 1;
  }
  let size = 0;
  for (let i = 0; i < n; i += 1) if (counts[i]! > 0) size += 1;
  const rows = new Int32Array(size);
  for (let i = 0, k = 0; i < n; i += 1) if (counts[i]! > 0) rows[k++] = i;

  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const featureOrder = Int32Array.from({ length: g.binned.length }, (_, f) => f);
  const histW = new Float64Array(256);
  const histP = new Float64Array(256);
  const histC = new Float64Array(256);
  const stack: PendingNode[] = [{ id: addNode(tree), lo: 0, hi: size, depth: 0 }];

  while (stack.length > 0) {
    const node = stack.pop()!;
    let w = 0;
    let wp = 0;
    let c = 0;
    let cp = 0;
    for (let k = node.lo; k < node.hi; k += 1) {
      const i = rows[k]!;
      const y = g.labels[i]!;
      const cnt = counts[i]!;
      const wi = cnt * g.weightOf[y]!;
      w += wi;
      c += cnt;
      if (y === 1) {
        wp += wi;
        cp += cnt;
      }
    }
    tree.value[node.id] = cp / c;
    if (node.depth >= g.options.maxDepth || c < 2 * g.options.minSamplesLeaf || cp === 0 || cp === c) continue;

    const parentImpurity = (wp * (w - wp)) / w;
    let bestScore = parentImpurity - 1e-12 * w;
    let bestFeature = -1;
    let bestBin = -1;
    shuffleFirst(featureOrder, g.mtry, g.rng);
    for (let m = 0; m < g.mtry; m += 1) {
      const f = featureOrder[m]!;
      const column = g.binned[f]!;
      const binCount = g.cuts[f]!.length + 2;
      histW.fill(0, 0, binCount);
      histP.fill(0, 0, binCount);
      histC.fill(0, 0, binCount);
      for (let k = node.lo; k < node.hi; k += 1) {
        const i = rows[k]!;
        const b = column[i]!;
        const cnt = counts[i]!;
        const y = g.labels[i]!;
        const wi = cnt * g.weightOf[y]!;
        histW[b] = histW[b]! + wi;
        histC[b] = histC[b]! + cnt;
        if (y === 1) histP[b] = histP[b]! + wi;
      }
      let wl = 0;
      let pl = 0;
      let cl = 0;
      for (let b = 0; b < binCount - 1; b += 1) {
        wl += histW[b]!;
        pl += histP[b]!;
        cl += histC[b]!;
        if (cl < g.options.minSamplesLeaf) continue;
        if (c - cl < g.options.minSamplesLeaf) break;
        const wr = w - wl;
        const pr = wp - pl;
        // Weighted Gini impurity of the children, up to a constant factor of 2.
        const score = (pl * (wl - pl)) / wl + (pr * (wr - pr)) / wr;
        if (score < bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) continue;

    g.importance[bestFeature] = g.importance[bestFeature]! + parentImpurity - bestScore;
    const column = g.binned[bestFeature]!;
    let split = node.lo;
    for (let k = node.lo; k < node.hi; k += 1) {
      const i = rows[k]!;
      if (column[i]! <= bestBin) {
        rows[k] = rows[split]!;
        rows[split] = i;
        split += 1;
      }
    }
    const left = addNode(tree);
    const right = addNode(tree);
    tree.feature[node.id] = bestFeature;
    tree.threshold[node.id] = thresholdOfBin(g.cuts[bestFeature]!, bestBin);
    tree.left[node.id] = left;
    tree.right[node.id] = right;
    stack.push({ id: left, lo: node.lo, hi: split, depth: node.depth + 1 });
    stack.push({ id: right, lo: split, hi: node.hi, depth: node.depth + 1 });
  }
  return tree;
}

function addNode(tree: Tree): number {
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(0);
  return tree.feature.length - 1;
}

/** Partial Fisher-Yates: the first `k` entries become a uniform random subset. */
function shuffleFirst(order: Int32Array, k: number, rng: Rng): void {
  for (let i = 0; i < k; i += 1) {
    const j = i + randomInt(rng, order.length - i);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
}

function leafOf(tree: Tree, x: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] !== -1) {
    const v = x[tree.feature[node]!]!;
    node = Number.isNaN(v) || v <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

/** Probability of the positive class for one row of raw feature values. */
export function predictProbability(model: ForestModel, x: ArrayLike<number>): number {
  let sum = 0;
  for (const tree of model.trees) sum += tree.value[leafOf(tree, x)]!;
  return sum / model.trees.length;
}

export interface Contribution {
  feature: string;
  /** Value of the feature in this row. */
  value: number;
  /** Change in predicted probability attributed to the feature (positive raises the risk). */
  contribution: number;
}

export interface Explanation {
  probability: number;
  /** Mean root value: the probability before looking at any feature. */
  bias: number;
  contributions: Contribution[];
}

/**
 * Probability with per-feature contributions, decomposed along each tree's decision path (each split
 * credits its feature with the change in node value), averaged over trees; bias plus all contributions
 * equals the probability. Returns the `top` largest by absolute size.
 */
export function explainPrediction(model: ForestModel, x: ArrayLike<number>, top = 5): Explanation {
  const totals = new Float64Array(model.featureNames.length);
  let bias = 0;
  let probability = 0;
  for (const tree of model.trees) {
    let node = 0;
    bias += tree.value[0]!;
    while (tree.feature[node] !== -1) {
      const f = tree.feature[node]!;
      const v = x[f]!;
      const next = Number.isNaN(v) || v <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
      totals[f] = totals[f]! + tree.value[next]! - tree.value[node]!;
      node = next;
    }
    probability += tree.value[node]!;
  }
  const n = model.trees.length;
  const contributions = model.featureNames
    .map((feature, f) => ({ feature, value: x[f]!, contribution: totals[f]! / n }))
    .filter((c) => c.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, top);
  return { probability: probability / n, bias: bias / n, contributions };
}
