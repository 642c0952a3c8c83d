// Times as users write them, on the command line and in API requests: "now", an age before now
// ("90m", "36h", "7d", "2w"), an ISO 8601 date/time, or (in the API) Unix milliseconds. Every time
// lies between 1970 and the end of 9999: beyond, a date cannot be written back as text and the
// warehouse's timestamps overflow, so "from=99999999999999999999" is refused here by name.

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function inRange(ms: number, text: string, what: string): number {
  if (!(ms >= 0 && ms <= MAX_TIME_MS)) throw new Error(`${what}: "${text}" is outside the times Sextant keeps (1970-01-01 to 9999-12-31)`);
  return ms;
}

/** Unix ms of `text` ("now", an age before `now` like "7d", or an ISO date/time); `what` names it in the error. */
export function parseTime(text: string, now: number, what: string): number {
  if (text === 'now') return now;
  const age = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (age) return inRange(now - Number(age[1]) * UNIT_MS[age[2]!]!, text, what);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: "${text}" is neither an ISO date/time (2026-01-05T10:00:00Z) nor an age like 7d`);
  return inRange(ms, text, what);
}

/** Unix ms of `text`, written as Unix milliseconds or an RFC 3339 date/time; `what` names it in the error. */
export function parseInstant(text: string, what: string): number {
  // Date.parse alone takes "-5" for May 2001: only the RFC 3339 shape goes to it.
  const ms = /^\d+$/.test(text) ? Number(text) : RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: got "${text}", expected an RFC 3339 time or Unix milliseconds`);
  return inRange(ms, text, what);
}
