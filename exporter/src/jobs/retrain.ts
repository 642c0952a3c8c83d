// Re-training on history that arrived after a series was first scored. The score job reads only
// points after each series' scored-until time, so a backfill of older history would never reach the
// detectors; after a backfill, the series of the datasets it covered are trained afresh on every
// point the warehouse holds up to their scored-until time, and their states are replaced in one
// transaction per dataset. Scoring then continues from there; events already found are kept.
import { UnivariateDetector } from '@sextant/core/anomaly';
import type { Logger } from '../log.js';
import type { AnomalyStore, SeriesScoringState } from '../warehouse/anomaly-store.js';

/** Datasets waiting for a re-train, per tenant: filled by backfills, drained by the score job. */
export class RetrainRequests {
  private readonly pending = new Map<string, Set<string>>();

  request(tenant: string, datasets: readonly string[]): void {
    const set = this.pending.get(tenant) ?? new Set<string>();
    for (const d of datasets) set.add(d);
    this.pending.set(tenant, set);
  }

  /** The tenant's pending datasets, sorted; they are no longer pending. */
  take(tenant: string): string[] {
    const set = this.pending.get(tenant);
    this.pending.delete(tenant);
    return set ? [...set].sort() : [];
  }
}

/** Re-trains the dataset's scored series on their history; returns how many series were re-trained. */
export async function retrainDataset(store: AnomalyStore, tenant: string, dataset: string, log?: Logger): Promise<number> {
  const saved = await store.states(tenant, dataset);
  const stateLength = UnivariateDetector.stateLength();
  const detectors = new Map<number, UnivariateDetector>();
  let points = 0;
  await store.scoredHistory(tenant, dataset, ({ seriesIds, ts, values }) => {
    for (let i = 0; i < seriesIds.length; i++) {
      const id = seriesIds[i]!;
      let detector = detectors.get(id);
      if (!detector) detectors.set(id, (detector = new UnivariateDetector()));
      detector.update(ts[i]!, values[i]!);
    }
    points += seriesIds.length;
  });
  const states: SeriesScoringState[] = [];
  for (const [id, detector] of detectors) {
    const old = saved.get(id);
    // A state of another detector version is the score job's to drop; it is left alone here.
    if (!old || old.state.length !== stateLength) continue;
    states.push({ ...old, state: detector.state });
  }
  if (states.length > 0) await store.saveRun(tenant, dataset, states, []);
  log?.info('score: series re-trained on their history after a backfill', { tenant, dataset, series: states.length, points });
  return states.length;
}
