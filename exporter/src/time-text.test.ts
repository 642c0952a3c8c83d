import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRelativeTime, parseTime } from './time-text.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const now = Date.UTC(2026, 0, 10, 12, 34, 56, 789);

test('times are ISO dates, ages before now, or times relative to now as Grafana writes them', () => {
  assert.equal(parseTime('7d', now, '--from'), now - 7 * DAY);
  assert.equal(parseTime('90m', now, '--from'), now - 90 * MIN);
  assert.equal(parseTime('now', now, '--to'), now);
  assert.equal(parseTime('2026-01-05', now, '--from'), Date.UTC(2026, 0, 5));
  assert.equal(parseTime('2026-01-05T01:30:00Z', now, '--from'), Date.UTC(2026, 0, 5, 1, 30));
  assert.equal(parseTime('now-24h', now, 'range.start'), now - 24 * HOUR);
  assert.equal(parseTime('now-2w', now, 'range.start'), Date.UTC(2025, 11, 27, 12, 34, 56, 789));
  // Rounded down to the start of the UTC day, hour, minute or second the time falls in.
  assert.equal(parseTime('now/d', now, 'range.end'), Date.UTC(2026, 0, 10));
  assert.equal(parseTime('now-2d/d', now, 'range.start'), Date.UTC(2026, 0, 8));
  assert.equal(parseTime('now-90m/h', now, 'range.start'), Date.UTC(2026, 0, 10, 11));
  assert.equal(parseTime('now/m', now, 'range.end'), Date.UTC(2026, 0, 10, 12, 34));
  assert.equal(parseTime('now-1s/s', now, 'range.end'), Date.UTC(2026, 0, 10, 12, 34, 55));
});

test('a time that is none of these is refused by name, and so is one before 1970', () => {
  for (const bad of ['yesterday', 'now-', 'now-1y', 'now+1h', 'now/w', 'now-1d/', 'now -1d', '-1d']) {
    assert.throws(() => parseTime(bad, now, '--from'), new RegExp(`^Error: --from: "${bad.replace(/[+/]/g, '\\$&')}" is neither an ISO date/time`), bad);
  }
  assert.throws(() => parseTime('now-30000d', now, 'range.start'), /range\.start: "now-30000d" is outside the times Sextant keeps/);
});

test('relative times are told from absolute ones', () => {
  for (const text of ['now', 'now-24h', 'now-2d/d', 'now/d', '7d']) assert.equal(isRelativeTime(text), true, text);
  for (const text of ['2026-01-05', '2026-01-05T00:00:00Z', 'yesterday', '1700000000000']) assert.equal(isRelativeTime(text), false, text);
});
