// Reduces each series' labels to the dataset's keepLabels and merges the series that then share a
// label set. Merging is right when they never disagree (a pod replaced by another with the same kept
// labels: one after the other in time); two values at one timestamp would be silent loss, so that is
// an error telling the user to aggregate in the query or keep more labels.
import type { Labels, Sample, Series } from '@sextant/core';
import { seriesKey } from '@sextant/core';

export class LabelCollisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelCollisionError';
  }
}

export function reduceLabels(series: readonly Series[], keepLabels: readonly string[]): Series[] {
  const merged = new Map<string, { labels: Labels; parts: Series[]; original: Labels[] }>();
  for (const one of series) {
    const labels = keep(one.labels, keepLabels);
    const key = seriesKey(labels);
    const entry = merged.get(key);
    if (entry) {
      entry.parts.push(one);
      entry.original.push(one.labels);
    } else merged.set(key, { labels, parts: [one], original: [one.labels] });
  }
  return [...merged.values()].map(({ labels, parts, original }) => {
    if (parts.length === 1) return { labels, samples: parts[0]?.samples ?? [] };
    const samples: Sample[] = parts.flatMap((p) => p.samples).sort((a, b) => a.t - b.t);
    for (let i = 1; i < samples.length; i += 1) {
      if (samples[i]?.t === samples[i - 1]?.t) {
        throw new LabelCollisionError(
          `${parts.length} series become ${seriesKey(labels)} once reduced to the kept labels [${keepLabels.join(', ')}] ` +
            `and have values at the same time ${new Date(samples[i]?.t ?? 0).toISOString()} (e.g. ${seriesKey(original[0] ?? {})} ` +
            `and ${seriesKey(original[1] ?? {})}); aggregate them in the query (sum by (...)) or keep more labels`,
        );
      }
    }
    return { labels, samples };
  });
}

function keep(labels: Labels, names: readonly string[]): Labels {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = labels[name];
    if (value !== undefined && value !== '') kept[name] = value;
  }
  return kept;
}
