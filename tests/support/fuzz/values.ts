// The hostile values the fuzzer puts into requests: wrong types, unicode edge cases (lone UTF-16
// surrogates, BOM, bidi overrides, NUL), numbers JSON.stringify cannot write (NaN, 1e999, 20-digit
// integers), deep and huge values. Values JSON cannot hold travel as raw text: `raw(text)` is a marker
// string that `toJsonText` replaces by the text itself, so a body can carry `NaN` or a 100,000-deep
// array without building it in this process.

export type Rng = () => number;

export const pick = <T>(rnd: Rng, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
export const int = (rnd: Rng, below: number): number => Math.floor(rnd() * below);

const RAW_MARK = '@@fuzz-raw:';
const rawTexts: string[] = [];
const rawIndex = new Map<string, number>();

/** A value that stands for `text` written as is into the JSON body. */
export function raw(text: string): string {
  let index = rawIndex.get(text);
  if (index === undefined) {
    index = rawTexts.length;
    rawTexts.push(text);
    rawIndex.set(text, index);
  }
  return `${RAW_MARK}${index}@@`;
}

/** JSON text of `value` with every raw marker replaced by its text. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.includes(RAW_MARK) ? text.replace(/"@@fuzz-raw:(\d+)@@"/g, (_, i: string) => rawTexts[Number(i)]!) : text;
}

/** Nested arrays or objects `depth` deep, as raw text (JSON.parse takes them; recursive code may not). */
export function deep(rnd: Rng, depth: number): string {
  switch (int(rnd, 3)) {
    case 0:
      return raw(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    case 1:
      return raw(`${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`);
    default:
      return raw(`${'[{"x":'.repeat(depth)}1${'}]'.repeat(depth)}`);
  }
}

/** Strings that have broken parsers, databases and log lines: every one is valid JSON text once escaped. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  'x',
  '\u0000',
  'a\u0000b',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'x\udc00\ud800y', // a low before a high: two lone surrogates
  '\ud83d', // half of an emoji
  'é😀',
  'e\u0301', // combining accent
  '\u202eevil', // right-to-left override
  '\ufeffbom',
  '\ufffe\uffff',
  '\u2028\u2029',
  '\u001b[31mred',
  "'; DROP TABLE alert_events; --",
  '"\\\n{}',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%00%ZZ%ED%A0%80',
  'NaN',
  'Infinity',
  '-1',
  '1e999',
  '0x10',
  'null',
  'now',
  '7d',
  '-5d',
  '99999999999d',
  '1.5h',
  '1970-01-01',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  '2026-13-45T99:99:99Z',
  '2026-11-25T06:00:00+02:00',
  'firing',
  'resolved',
  'daily',
  'xlsx',
  '4',
  'a'.repeat(1025),
  'ü'.repeat(17_000),
];

/** Number literals, including the ones JavaScript cannot write as JSON. */
export const ODD_NUMBERS: readonly string[] = [
  '0',
  '-0',
  '-1',
  '1.5',
  '1e308',
  '-1e308',
  '1e999',
  '-1e999',
  '1e-999',
  '5e-324',
  '9007199254740993',
  '99999999999999999999',
  '-9223372036854775809',
  '123456789012345678901234567890123456789',
  '8.64e15',
  '8640000000000001',
  'NaN',
  'Infinity',
  '-Infinity',
  '01',
  '.5',
  '+1',
  '0x1F',
];

/** Key names that can upset object handling. */
export const ODD_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'x\ud800', '\udfffy', 'é😀', 'a\u0000b', 'tenant', 'k'.repeat(2000), '$where', 'a.b', '0'];

/** A hostile value of any kind. */
export function oddValue(rnd: Rng): unknown {
  const r = rnd();
  if (r < 0.35) return pick(rnd, ODD_STRINGS);
  if (r < 0.6) return raw(pick(rnd, ODD_NUMBERS));
  if (r < 0.7) return pick(rnd, [null, true, false, [], {}, [null], { a: 1 }, [[]], [1, 'a', null]]);
  if (r < 0.78) return deep(rnd, pick(rnd, [3, 64, 1_000, 10_000, 100_000]));
  if (r < 0.84) return raw(pick(rnd, ['undefined', "'single'", '[1,]', '{"a":1,}', '{"a" 1}', '"unterminated', '"\\x41"', '"\\u12"', 'true false']));
  if (r < 0.9) return Object.fromEntries(Array.from({ length: pick(rnd, [50, 300, 5_000]) }, (_, i) => [`k${i}`, i % 2 ? 'v' : i]));
  if (r < 0.95) return Array.from({ length: pick(rnd, [100, 2_000, 50_000]) }, (_, i) => (i % 3 ? i : 'x'));
  return 'z'.repeat(pick(rnd, [16_385, 100_000, 1_100_000]));
}
