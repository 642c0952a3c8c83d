// Compares src/rules/sextant-metrics.ts, the label table the rule generator checks selectors of
// Sextant's own metrics with, against a running service's /metrics exposition.
import { SEXTANT_METRICS, sextantMetricOf } from '@sextant/core/rules';

/** What differs between the table and the exposition, one line each ([] when they agree). */
export function sextantTableProblems(exposition: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (sextant_\w+) (\w+)$/gm)) types.set(name!, type!);
  for (const [name, type] of types) {
    const entry = SEXTANT_METRICS[name];
    if (!entry) problems.push(`${name} (${type}) is exported but not in src/rules/sextant-metrics.ts`);
    else if (entry.type !== type) problems.push(`${name} is a ${type}, the table says ${entry.type}`);
  }
  for (const [name, entry] of Object.entries(SEXTANT_METRICS)) {
    if (!entry.onlyWith && !types.has(name)) problems.push(`${name} is in the table but not exported`);
  }
  const seen = new Set<string>();
  for (const [, name, labelText] of exposition.matchAll(/^(sextant_\w+)(?:\{(.*)\})? \S+$/gm)) {
    const labels = [...(labelText ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1]!).sort();
    const known = sextantMetricOf(name!);
    const key = `${name} ${labels.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!known) problems.push(`${name}: a sample of no family in the table`);
    else if (known.metric.seriesLabels) {
      const missing = known.labels.filter((l) => !labels.includes(l));
      if (missing.length) problems.push(`${name}{${labels.join(',')}} lacks ${missing.join(', ')}`);
    } else if (labels.join(',') !== [...known.labels].sort().join(',')) {
      problems.push(`${name} has labels {${labels.join(',')}}, the table says {${[...known.labels].sort().join(',')}}`);
    }
  }
  return problems;
}
