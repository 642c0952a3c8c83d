// Known metric history for the ingest integration tests, written as OpenMetrics for promtool.
export const SCRAPE_MS = 15_000;

export interface HistorySample {
  name: string;
  labels: Record<string, string>;
  t: number;
  v: number;
}

/** Gauges test_value{series="a"|"b"} and a counter test_requests_total{series="a"} that resets halfway. */
export function knownHistory(start: number, end: number): HistorySample[] {
  const samples: HistorySample[] = [];
  const count = Math.floor((end - start) / SCRAPE_MS);
  const push = (name: string, series: string, value: (i: number) => number): void => {
    for (let i = 0; i < count; i += 1) samples.push({ name, labels: { series }, t: start + i * SCRAPE_MS, v: value(i) });
  };
  push('test_value', 'a', (i) => 10 + 5 * Math.sin(i / 20) + (i % 7));
  push('test_value', 'b', (i) => (i % 13) * 1.5 - 3);
  let total = 0;
  push('test_requests_total', 'a', (i) => {
    total = i === Math.floor(count / 2) ? 0 : total + (i % 5) + 1;
    return total;
  });
  return samples;
}

/** OpenMetrics text of `samples` (grouped by family, each series in time order), ending with # EOF. */
export function toOpenMetrics(samples: readonly HistorySample[]): string {
  const families = new Map<string, HistorySample[]>();
  for (const s of samples) {
    const family = s.name.replace(/_total$/, '');
    const list = families.get(family) ?? [];
    list.push(s);
    families.set(family, list);
  }
  const lines: string[] = [];
  for (const [family, list] of families) {
    lines.push(`# TYPE ${family} ${list[0]!.name.endsWith('_total') ? 'counter' : 'gauge'}`);
    for (const s of list) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      lines.push(`${s.name}{${labels}} ${s.v} ${(s.t / 1000).toFixed(3)}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}
