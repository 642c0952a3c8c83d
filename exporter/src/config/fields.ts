// Field builders for config sections. Each carries, as its description, the "expected ..." phrase
// that errors print, so every message reads `path: got X, expected <description>`.
import { z } from 'zod';
import { parseDuration } from './duration.js';

export function integer(min: number, max: number) {
  return z.number().int().min(min).max(max).describe(`an integer between ${min} and ${max}`);
}

/** A Prometheus-style duration string ("30s", "5m", "7d"), parsed to milliseconds. */
export function duration(minMs = 1) {
  return z
    .string()
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < minMs) {
        ctx.addIssue({ code: 'custom', message: 'not a duration', input: text, params: { expected: true } });
        return z.NEVER;
      }
      return ms;
    })
    .describe(minMs === 0 ? 'a duration such as 0s, 30s, 5m, 7d' : 'a positive duration such as 30s, 5m, 7d');
}

export function text(expected = 'a non-empty string') {
  return z.string().min(1).describe(expected);
}

/** Names of datasets, tokens and tenants: safe in URLs, logs, metric labels and file names. */
export function name(what: string) {
  return z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/)
    .describe(`a ${what} name: a letter or _, then up to 63 letters, digits, _ . : -`);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values).describe(`one of ${values.join(', ')}`);
}

export function flag() {
  return z.boolean().describe('true or false');
}

export function httpUrl() {
  return z
    .string()
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    }, { params: { expected: true } })
    .describe('an http:// or https:// URL');
}
