import { createHash } from 'node:crypto';
import { seriesKey, type Labels } from '@sextant/core';

/**
 * Stable id of a series: the top 53 bits of SHA-256 over tenant, dataset and the canonical label
 * text, so it is exact as a JS number and identical across runs and machines. 53 bits keep the
 * chance of a collision below 1e-4 up to a million series per dataset, and the warehouse refuses
 * a colliding write rather than mixing two series.
 */
export function seriesId(tenant: string, dataset: string, labels: Labels): number {
  return seriesIdOfKey(tenant, dataset, seriesKey(labels));
}

export function seriesIdOfKey(tenant: string, dataset: string, key: string): number {
  const digest = createHash('sha256').update(`${tenant}\u0000${dataset}\u0000${key}`).digest();
  return Number(digest.readBigUInt64BE(0) >> 11n);
}
