// The shape of demand over time: a daily cycle (quiet at night, peak mid-afternoon UTC) and a weekly
// one (weekends quieter), both smooth so that no artificial step looks like an anomaly.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Relative demand per day of week, Sunday first (1970-01-01, day 0, was a Thursday).
const dayFactor = [0.68, 1.0, 1.04, 1.02, 1.0, 0.93, 0.66];

/** Day of week of `t`, 0 = Sunday, as JavaScript's Date#getUTCDay. */
export function dayOfWeek(t: number): number {
  return (((Math.floor(t / DAY) + 4) % 7) + 7) % 7;
}

/** Demand multiplier around 1: about 0.45 in the small hours of a Saturday, 1.5 on a weekday afternoon. */
export function traffic(t: number): number {
  const hour = (((t % DAY) + DAY) % DAY) / HOUR;
  const daily = 1 + 0.42 * Math.cos((2 * Math.PI * (hour - 15)) / 24) + 0.08 * Math.cos((4 * Math.PI * (hour - 11)) / 24);
  return daily * weekly(t);
}

// Cosine blend between the factors of consecutive days, centred at noon, so Monday morning ramps up.
function weekly(t: number): number {
  const position = (t - DAY / 2) / DAY;
  const day = Math.floor(position);
  const blend = (1 - Math.cos(Math.PI * (position - day))) / 2;
  const today = dayFactor[dayOfWeek(day * DAY + DAY / 2)] ?? 1;
  const tomorrow = dayFactor[dayOfWeek((day + 1) * DAY + DAY / 2)] ?? 1;
  return today * (1 - blend) + tomorrow * blend;
}
