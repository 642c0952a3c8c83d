import type { DataFrame } from '@grafana/data';
import type { Recommendation, RecommendationStatus } from '../../common/types';

/** Recommendations from the data source's `recommendations` frame (datasource/frames.ts). */
export function recommendationsFromFrames(frames: DataFrame[]): Recommendation[] {
  return frames.flatMap((frame) => {
    const column = (name: string) => frame.fields.find((f) => f.name === name)?.values;
    const ids = column('id');
    const titles = column('title');
    if (!ids || !titles) {
      return [];
    }
    return ids.map((id, i) => ({
      id: String(id),
      title: String(titles[i]),
      description: String(column('description')?.[i] ?? ''),
      service: String(column('service')?.[i] ?? '') || undefined,
      policy: String(column('policy')?.[i] ?? ''),
      status: String(column('status')?.[i] ?? 'open') as RecommendationStatus,
      time: Number(column('time')?.[i] ?? 0),
      successRate: (column('successRate')?.[i] as number | null | undefined) ?? null,
    }));
  });
}
