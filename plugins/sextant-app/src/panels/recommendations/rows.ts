import type { DataFrame } from '@grafana/data';

/** What the panel shows of a recommendation. */
export interface RecommendationRow {
  id: string;
  title: string;
  explanation: string;
  entity: string;
  kind: string;
  status: string;
  posterior: { mean: number; count: number; rate: null };
}

/** Recommendations from the data source's `recommendations` frame (datasource/frames.ts). */
export function recommendationsFromFrames(frames: DataFrame[]): RecommendationRow[] {
  return frames.flatMap((frame) => {
    const column = (name: string) => frame.fields.find((f) => f.name === name)?.values;
    const ids = column('id');
    const titles = column('title');
    if (!ids || !titles) {
      return [];
    }
    const text = (name: string, i: number) => String(column(name)?.[i] ?? '');
    return ids.map((id, i) => ({
      id: String(id),
      title: String(titles[i]),
      explanation: text('explanation', i),
      entity: text('entity', i),
      kind: text('kind', i),
      status: text('status', i) || 'open',
      posterior: { mean: Number(column('successMean')?.[i] ?? 0.5), count: Number(column('successCount')?.[i] ?? 0), rate: null },
    }));
  });
}
