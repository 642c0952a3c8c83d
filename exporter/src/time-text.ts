// Times as users write them, on the command line and in API requests: "now", an age before now
// ("90m", "36h", "7d", "2w"), a time relative to now as Grafana writes it ("now-24h", "now-2d/d":
// two days ago, rounded down to the start of that UTC day), an ISO 8601 date/time, or (in the API)
// Unix milliseconds. Every time
// lies between 1970 and the end of 9999: beyond, a date cannot be written back as text and the
// warehouse's timestamps overflow, so "from=99999999999999999999" is refused here by name.

import { shownValue } from './shown-value.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** now, now-<n><unit>, either optionally rounded down to a whole UTC second, minute, hour or day. */
const RELATIVE = /^now(?:-(\d+)(s|m|h|d|w))?(?:\/(s|m|h|d))?$/;
const AGE = /^(\d+)(s|m|h|d|w)$/;

/** Whether `text` is written relative to now ("now", "now-24h", "now-1d/d", "7d"), not as an absolute time. */
export function isRelativeTime(text: string): boolean {
  return RELATIVE.test(text) || AGE.test(text);
}

export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function inRange(ms: number, text: string, what: string): number {
  if (!(ms >= 0 && ms <= MAX_TIME_MS)) throw new Error(`${what}: ${shownValue(text)} is outside the times Sextant keeps (1970-01-01 to 9999-12-31)`);
  return ms;
}

/** Unix ms of `text` ("now", "now-24h", "now-2d/d", an age before `now` like "7d", or an ISO date/time); `what` names it in the error. */
export function parseTime(text: string, now: number, what: string): number {
  const relative = RELATIVE.exec(text);
  if (relative) {
    const [, count, unit, roundTo] = relative;
    const ago = count === undefined ? now : now - Number(count) * UNIT_MS[unit!]!;
    const width = roundTo === undefined ? 1 : UNIT_MS[roundTo]!;
    return inRange(Math.floor(ago / width) * width, text, what);
  }
  const age = AGE.exec(text);
  if (age) return inRange(now - Number(age[1]) * UNIT_MS[age[2]!]!, text, what);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: ${shownValue(text)} is neither an ISO date/time (2026-01-05T10:00:00Z), a time relative to now (now-24h, now-2d/d) nor an age like 7d`);
  return inRange(ms, text, what);
}

/** Unix ms of `text`, written as Unix milliseconds or an RFC 3339 date/time; `what` names it in the error. */
export function parseInstant(text: string, what: string): number {
  // Date.parse alone takes "-5" for May 2001: only the RFC 3339 shape goes to it.
  const ms = /^\d+$/.test(text) ? Number(text) : RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: got ${shownValue(text)}, expected an RFC 3339 time or Unix milliseconds`);
  return inRange(ms, text, what);
}
