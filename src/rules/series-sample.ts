// Test series for promtool: label sets that satisfy a selector, and checks that they do, so a
// generated unit test feeds its rule exactly the series the rule selects.
import { sextantTestSeriesLabels } from './sextant-metrics.js';
import { equalityLabels, matcherFromSpec, RuleInputError, type Matcher, type Selector } from './promql.js';

/** Values tried for regex matchers that give no `example`: the usual shapes of status and error labels. */
const CANDIDATES = ['500', '503', '5xx', 'error', 'fail', 'failed', 'false', 'true', '1', '0', '200', 'ok', 'x', ''];

function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

export function matches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return fullMatch(m.value, value);
    case '!~':
      return !fullMatch(m.value, value);
  }
}

function matchersOf(selector: Selector, where: string): Matcher[] {
  return Object.entries(selector.matchers ?? {}).map(([name, spec]) => matcherFromSpec(name, spec, where));
}

/** True when a series (metric and labels) is selected by `selector`; a missing label counts as "". */
export function selects(selector: Selector, metric: string, labels: Record<string, string>): boolean {
  return metric === selector.metric && matchersOf(selector, 'selector').every((m) => matches(m, labels[m.name] ?? ''));
}

/** A label set selected by `selector`, plus `extra` labels where the selector says nothing about them. */
export function sampleLabels(selector: Selector, where: string, extra: Record<string, string> = {}): Record<string, string> {
  // A series of Sextant's own metrics looks as Prometheus scrapes it (src/rules/sextant-metrics.ts).
  const labels: Record<string, string> = { ...sextantTestSeriesLabels(selector.metric), ...extra, ...equalityLabels(selector) };
  for (const [name, spec] of Object.entries(selector.matchers ?? {})) {
    const m = matcherFromSpec(name, spec, where);
    if (m.op === '=') continue;
    const example = typeof spec === 'object' && 'example' in spec ? spec.example : undefined;
    const tries = [example, labels[name], ...CANDIDATES, `${m.value}_other`].filter((v): v is string => v !== undefined);
    const found = tries.find((v) => matches(m, v));
    if (found === undefined) {
      throw new RuleInputError(`${where}.matchers.${name}: cannot find a value matching ${m.op}${JSON.stringify(m.value)} for the generated unit test; add "example" to the matcher`);
    }
    if (found === '') delete labels[name];
    else labels[name] = found;
  }
  if (!selects(selector, selector.metric, labels)) {
    throw new RuleInputError(`${where}: cannot build a test series that the selector selects; add "example" to its regex matchers`);
  }
  return labels;
}
