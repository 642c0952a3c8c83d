// Times as users write them, on the command line and in API requests: "now", an age before now
// ("90m", "36h", "7d", "2w") or an ISO 8601 date/time.

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Unix ms of `text` ("now", an age before `now` like "7d", or an ISO date/time); `what` names it in the error. */
export function parseTime(text: string, now: number, what: string): number {
  if (text === 'now') return now;
  const age = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (age) return now - Number(age[1]) * UNIT_MS[age[2]!]!;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${what}: "${text}" is neither an ISO date/time (2026-01-05T10:00:00Z) nor an age like 7d`);
  return ms;
}
