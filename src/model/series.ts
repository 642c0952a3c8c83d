/** Label set of a series, as Prometheus gives it. */
export type Labels = Readonly<Record<string, string>>;

/** One point: `t` in Unix milliseconds, `v` the value. */
export interface Sample {
  t: number;
  v: number;
}

export interface Series {
  labels: Labels;
  samples: Sample[];
}

/** Half-open time range [start, end) in Unix milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/**
 * Canonical text of a label set, `{a="1",b="2"}` with names sorted and values escaped as in the
 * Prometheus exposition format, so equal label sets always give the same key.
 */
export function seriesKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  const parts = names.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`);
  return `{${parts.join(',')}}`;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
