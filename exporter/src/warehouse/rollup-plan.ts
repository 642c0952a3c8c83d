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

/** The open bucket of a dataset at a level as last computed, and the watermark at that time. */
export interface OpenBucket {
  bucket: number;
  computedAtWatermark: number;
}

export interface LevelPlan {
  /** Spans to recompute now. */
  recompute: BucketSpan[];
  /** Open buckets left for a later run, with their dataset. */
  defer: BucketSpan[];
  /** Open buckets recomputed now, to remember with the watermark they saw. */
  opened: (OpenBucket & { tenant: string; dataset: string })[];
}

export function datasetKey(tenant: string, dataset: string): string {
  return JSON.stringify([tenant, dataset]);
}

/**
 * What one level does with the windows waiting for it. Buckets that end at or before the dataset's
 * watermark are complete and recomputed now. The bucket the watermark falls in is still filling:
 * it is recomputed when it is new, or when the watermark has moved `refreshMs` past its last
 * computation; otherwise it waits, so a run after one new minute does not re-read a whole day.
 */
export function planLevel(
  level: RollupLevel,
  windows: DirtyWindow[],
  notBefore: number,
  watermarks: ReadonlyMap<string, number>,
  open: ReadonlyMap<string, OpenBucket>,
  refreshMs: number,
): LevelPlan {
  const width = LEVEL_WIDTH_MS[level];
  const plan: LevelPlan = { recompute: [], defer: [], opened: [] };
  for (const span of bucketSpans(level, windows, notBefore)) {
    const key = datasetKey(span.tenant, span.dataset);
    const watermark = watermarks.get(key) ?? Infinity;
    const openStart = Number.isFinite(watermark) ? Math.floor(watermark / width) * width : Infinity;
    const closedEnd = Math.min(span.end, openStart);
    if (span.start < closedEnd) plan.recompute.push({ ...span, end: closedEnd });
    if (span.end <= openStart) continue;
    const openSpan = { ...span, start: openStart, end: openStart + width };
    const last = open.get(key);
    const due = refreshMs <= 0 || !last || last.bucket !== openStart || watermark - last.computedAtWatermark >= refreshMs;
    if (due) {
      plan.recompute.push(openSpan);
      plan.opened.push({ tenant: span.tenant, dataset: span.dataset, bucket: openStart, computedAtWatermark: watermark });
    } else plan.defer.push(openSpan);
  }
  return plan;
}
