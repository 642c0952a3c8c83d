import { LEVEL_WIDTH_MS } from './levels.js';
import type { RollupLevel } from './warehouse.js';

export interface DirtyWindow {
  tenant: string;
  dataset: string;
  start: number;
  end: number;
}

/** A run of whole buckets of one dataset to recompute: [start, end), both aligned to the level. */
export interface BucketSpan {
  tenant: string;
  dataset: string;
  start: number;
  end: number;
}

/**
 * The bucket spans a rollup level must recompute for the windows written since the last run:
 * each window widened to whole buckets, overlapping or adjacent spans of a dataset merged, and
 * buckets that start before `notBefore` (whose points retention already removed) left out.
 */
export function bucketSpans(level: RollupLevel, windows: DirtyWindow[], notBefore = -Infinity): BucketSpan[] {
  const width = LEVEL_WIDTH_MS[level];
  const floor = (t: number): number => Math.floor(t / width) * width;
  const lowest = Number.isFinite(notBefore) ? Math.ceil(notBefore / width) * width : -Infinity;
  const byDataset = new Map<string, BucketSpan[]>();
  for (const w of windows) {
    const start = Math.max(floor(w.start), lowest);
    const end = floor(w.end - 1) + width;
    if (start >= end) continue;
    const key = JSON.stringify([w.tenant, w.dataset]);
    const spans = byDataset.get(key) ?? [];
    spans.push({ tenant: w.tenant, dataset: w.dataset, start, end });
    byDataset.set(key, spans);
  }
  const merged: BucketSpan[] = [];
  for (const spans of byDataset.values()) {
    spans.sort((a, b) => a.start - b.start);
    let open: BucketSpan | undefined;
    for (const span of spans) {
      if (open && span.start <= open.end) open.end = Math.max(open.end, span.end);
      else {
        open = { ...span };
        merged.push(open);
      }
    }
  }
  return merged;
}
