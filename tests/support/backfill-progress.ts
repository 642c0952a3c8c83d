// The backfill CLI's last progress line, as a pattern that holds whatever the machine's speed: counts
// are written by formatCount (1490, 12k, 1.2M), so a fast run prints "12k rows/s".
const COUNT = String.raw`\d+(?:\.\d)?[kM]?`;

/** `windows`: the pattern of the window count, e.g. '4' or '(\\d+)' (then the total must equal it). */
export function finalProgressLine(windows: string): RegExp {
  const done = windows.startsWith('(') ? String.raw`\1` : windows;
  return new RegExp(String.raw`\[#+\] 100% {2}${windows}\/${done} windows {2}${COUNT} rows {2}${COUNT} rows\/s {2}done in \d+:\d\d`);
}
