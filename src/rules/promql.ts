// Building PromQL from user input safely: names are validated against Prometheus' grammar, values are
// quoted and escaped, and anything that cannot be made safe is rejected with a RuleInputError.

import { labelsSextantNeverSets, scrapedSextantLabels } from './sextant-metrics.js';

/** Input that cannot become a safe rule: says what, where and why. */
export class RuleInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleInputError';
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Prometheus reserves names starting with `__` for internal use (`__name__` is the one we allow). */
const RESERVED = /^__/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && (!RESERVED.test(name) || name === '__name__');
}

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

export function checkLabelName(name: string, where: string): string {
  if (!isValidLabelName(name)) {
    throw new RuleInputError(
      `${where}: label name ${JSON.stringify(name)} is not valid (Prometheus label names match [a-zA-Z_][a-zA-Z0-9_]* and must not start with "__")`,
    );
  }
  return name;
}

export function checkMetricName(name: string, where: string): string {
  if (!isValidMetricName(name)) {
    throw new RuleInputError(
      `${where}: metric name ${JSON.stringify(name)} is not valid (Prometheus metric names match [a-zA-Z_:][a-zA-Z0-9_:]*)`,
    );
  }
  return name;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A label value or regex as a PromQL double-quoted string literal. Every character that could end the
 * string or start an escape is escaped, and every non-printable or non-ASCII character becomes a
 * \u escape, so the literal is one line of plain ASCII whatever the input. Unpaired surrogates cannot be
 * represented in a Prometheus string (it must be valid UTF-8) and are rejected.
 */
export function quoteString(value: string, where: string): string {
  if (UNPAIRED_SURROGATE.test(value)) {
    throw new RuleInputError(`${where}: value ${JSON.stringify(value)} is not valid Unicode (unpaired surrogate)`);
  }
  return doubleQuoted(value);
}

/**
 * `value` in double quotes with the escapes that PromQL (Go) strings and YAML double-quoted scalars
 * both read the same way: printable ASCII as is, everything else escaped.
 */
export function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** Config form of a matcher: a plain string means equality; objects say which operator. */
/** `example` is a value the regex matches (or, for notRegex, does not), used in generated unit tests. */
export type MatcherSpec =
  | string
  | { equals: string }
  | { notEquals: string }
  | { regex: string; example?: string }
  | { notRegex: string; example?: string };

export function matcherFromSpec(name: string, spec: MatcherSpec, where: string): Matcher {
  if (typeof spec === 'string') return { name, op: '=', value: spec };
  if ('equals' in spec) return { name, op: '=', value: spec.equals };
  if ('notEquals' in spec) return { name, op: '!=', value: spec.notEquals };
  if ('regex' in spec) return { name, op: '=~', value: checkRegex(spec.regex, `${where}.${name}`) };
  if ('notRegex' in spec) return { name, op: '!~', value: checkRegex(spec.notRegex, `${where}.${name}`) };
  throw new RuleInputError(`${where}.${name}: matcher must be a string or one of equals, notEquals, regex, notRegex`);
}

/**
 * Prometheus regexes are RE2 and fully anchored. We cannot run RE2 here, so we reject what RE2 would
 * not accept that we can see (lookaround, backreferences) and what JavaScript cannot parse at all.
 */
export function checkRegex(pattern: string, where: string): string {
  if (/\(\?[=!<]|\\[1-9]/.test(pattern)) {
    throw new RuleInputError(`${where}: regex ${JSON.stringify(pattern)} uses lookaround or backreferences, which Prometheus (RE2) does not support`);
  }
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new RuleInputError(`${where}: regex ${JSON.stringify(pattern)} is not valid: ${(error as Error).message}`);
  }
  return pattern;
}

export function renderMatcher(m: Matcher, where: string): string {
  return `${checkLabelName(m.name, where)}${m.op}${quoteString(m.value, `${where}.${m.name}`)}`;
}

/** A series selector: metric name plus matchers, e.g. `http_requests_total{job="api",code=~"5.."}`. */
export interface Selector {
  metric: string;
  matchers?: Record<string, MatcherSpec>;
}

export function renderSelector(selector: Selector, where: string, extra: Matcher[] = []): string {
  const metric = checkMetricName(selector.metric, `${where}.metric`);
  const matchers = Object.entries(selector.matchers ?? {}).map(([name, spec]) =>
    matcherFromSpec(checkLabelName(name, `${where}.matchers`), spec, `${where}.matchers`),
  );
  const never = labelsSextantNeverSets(metric, [...matchers, ...extra].map((m) => m.name));
  if (never.length) {
    const carried = Object.keys(scrapedSextantLabels(metric) ?? {}).join(', ');
    throw new RuleInputError(`${where}.matchers: ${metric} has no label ${never.map((l) => JSON.stringify(l)).join(', ')}, so this selector can never match: as Prometheus scrapes it from Sextant it carries ${carried}`);
  }
  const all = [...matchers, ...extra].map((m) => renderMatcher(m, `${where}.matchers`));
  return all.length ? `${metric}{${all.join(',')}}` : metric;
}

/** The equality matchers of a selector as labels (what `absent()` returns, what a series carries). */
export function equalityLabels(selector: Selector): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, spec] of Object.entries(selector.matchers ?? {})) {
    if (typeof spec === 'string') labels[name] = spec;
    else if ('equals' in spec) labels[name] = spec.equals;
  }
  return labels;
}

/** A label set written as a series for promtool input_series: `metric{a="x",b="y"}`. */
export function renderSeries(metric: string, labels: Record<string, string>, where: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${checkLabelName(k, where)}=${quoteString(v, `${where}.${k}`)}`);
  return `${checkMetricName(metric, where)}{${parts.join(',')}}`;
}

const DURATION_UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Milliseconds as a Prometheus duration (`1d`, `6h`, `4m40s`); what Prometheus accepts in `[...]` and `for:`. */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new RuleInputError(`duration ${ms} ms must be a positive whole number of milliseconds`);
  let rest = ms;
  let out = '';
  for (const [unit, size] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

export function parseDuration(text: string, where: string): number {
  const m = DURATION.exec(text);
  if (!text || !m) throw new RuleInputError(`${where}: ${JSON.stringify(text)} is not a Prometheus duration (like 5m, 1h30m, 1d)`);
  const [w, d, h, min, s, ms] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const total = ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000 + ms;
  if (total <= 0) throw new RuleInputError(`${where}: duration ${JSON.stringify(text)} must be positive`);
  return total;
}

/** A number as PromQL writes it; rejects NaN and infinities, which would make a rule silently never fire. */
export function formatNumber(value: number, where: string): string {
  if (!Number.isFinite(value)) throw new RuleInputError(`${where}: ${value} is not a finite number`);
  return String(value);
}
