// Fast path for the answers Prometheus itself writes: compact JSON, fields in Go's order. It reads
// the `values` arrays straight from the text instead of building a JSON array and a string per
// point, which halves the cost of reading a large answer. At the first thing it does not expect
// (whitespace, another field order, warnings, native histograms, an escape in a value, anything
// malformed) it gives up and returns undefined; parseMatrix then reads the body the general way,
// with its precise errors. So it never accepts what the general way refuses, and gives the same
// series when both accept.
import type { Labels, Sample, Series } from '@sextant/core';
import { parseValue } from './prometheus-value.js';

const HEAD = '{"status":"success","data":{"resultType":"matrix","result":[';
const METRIC = '{"metric":';
const VALUES = ',"values":[';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

export function scanMatrix(text: string): Series[] | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  let i = HEAD.length;
  const result: Series[] = [];
  if (text.charCodeAt(i) === CLOSE_BRACKET) i += 1;
  else {
    for (;;) {
      if (!text.startsWith(METRIC, i)) return undefined;
      i += METRIC.length;
      const metricEnd = flatObjectEnd(text, i);
      if (metricEnd < 0) return undefined;
      let labels: Labels;
      try {
        labels = JSON.parse(text.slice(i, metricEnd)) as Labels;
      } catch {
        return undefined;
      }
      i = metricEnd;
      if (!text.startsWith(VALUES, i)) return undefined;
      i += VALUES.length;
      const samples: Sample[] = [];
      if (text.charCodeAt(i) === CLOSE_BRACKET) i += 1;
      else {
        for (;;) {
          // [<seconds>,"<value>"]
          if (text.charCodeAt(i) !== OPEN_BRACKET) return undefined;
          i += 1;
          // Seconds with at most 3 decimals (what Prometheus writes) become ms by integer arithmetic,
          // which is exact and spares a substring and a float parse per point.
          const negative = text.charCodeAt(i) === MINUS;
          if (negative) i += 1;
          const digits = i;
          let ms = 0;
          for (let c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt((i += 1))) ms = ms * 10 + (c - ZERO);
          if (i === digits || i - digits > 15 || (text.charCodeAt(digits) === ZERO && i - digits > 1)) return undefined;
          ms *= 1000;
          if (text.charCodeAt(i) === DOT) {
            i += 1;
            const fraction = i;
            let scale = 100;
            for (let c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt((i += 1))) {
              ms += (c - ZERO) * scale;
              scale /= 10;
            }
            if (i === fraction) return undefined;
            if (i - fraction > 3) ms = Math.round(Number(text.slice(digits, i)) * 1000);
          }
          if (negative) ms = -ms;
          if (text.charCodeAt(i) !== COMMA || text.charCodeAt(i + 1) !== QUOTE) return undefined;
          i += 2;
          const valueStart = i;
          for (;;) {
            const c = text.charCodeAt(i);
            if (c === QUOTE) break;
            if (c === BACKSLASH || c < 32 || Number.isNaN(c)) return undefined;
            i += 1;
          }
          const v = parseValue(text.slice(valueStart, i));
          if (v === undefined || text.charCodeAt(i + 1) !== CLOSE_BRACKET) return undefined;
          i += 2;
          samples.push({ t: ms, v });
          const next = text.charCodeAt(i);
          i += 1;
          if (next === CLOSE_BRACKET) break;
          if (next !== COMMA) return undefined;
        }
      }
      if (text.charCodeAt(i) !== CLOSE_BRACE) return undefined;
      i += 1;
      result.push({ labels, samples });
      const next = text.charCodeAt(i);
      i += 1;
      if (next === CLOSE_BRACKET) break;
      if (next !== COMMA) return undefined;
    }
  }
  if (!text.startsWith('}}', i)) return undefined;
  i += 2;
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1;
  return i === text.length ? result : undefined;
}

/** Index just after a `{"name":"value",...}` object starting at `start`, or -1 if it is not one. */
function flatObjectEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== OPEN_BRACE) return -1;
  let i = start + 1;
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    i = stringEnd(text, i);
    if (i < 0 || text.charCodeAt(i) !== COLON) return -1;
    i = stringEnd(text, i + 1);
    if (i < 0) return -1;
    const next = text.charCodeAt(i);
    i += 1;
    if (next === CLOSE_BRACE) return i;
    if (next !== COMMA) return -1;
  }
}

/** Index just after a JSON string starting at `start` (escapes skipped, checked later by JSON.parse), or -1. */
function stringEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== QUOTE) return -1;
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i += 1;
  }
  return -1;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
