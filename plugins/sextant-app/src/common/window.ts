import type { Window } from './api';

export const WINDOWS = [
  { label: 'Last hour', value: 3_600_000 },
  { label: 'Last 6 hours', value: 6 * 3_600_000 },
  { label: 'Last 24 hours', value: 24 * 3_600_000 },
  { label: 'Last 7 days', value: 7 * 24 * 3_600_000 },
];

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;
export const WEEK_MS = 7 * DEFAULT_WINDOW_MS;

/** The window of the last `lengthMs` up to now, whole seconds so repeated renders ask the same thing. */
export function windowEndingNow(lengthMs: number, now = Date.now()): Window {
  const to = Math.floor(now / 1000) * 1000;
  return { from: to - lengthMs, to };
}
