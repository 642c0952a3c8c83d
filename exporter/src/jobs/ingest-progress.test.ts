import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatClock, formatProgress } from './ingest-progress.js';

test('the progress line shows windows, rows, rate and the time left at the pace so far', () => {
  assert.equal(
    formatProgress({ windowsDone: 12, windowsTotal: 48, rows: 1_234_567, failed: 0, elapsedMs: 30_000 }),
    '[######..................]  25%  12/48 windows  1.2M rows  41k rows/s  ETA 1:30',
  );
  assert.equal(
    formatProgress({ windowsDone: 0, windowsTotal: 10, rows: 0, failed: 0, elapsedMs: 0 }),
    '[........................]   0%  0/10 windows  0 rows  0 rows/s  ETA --:--',
  );
  assert.equal(
    formatProgress({ windowsDone: 10, windowsTotal: 10, rows: 900, failed: 1, elapsedMs: 3_723_000 }),
    '[########################] 100%  10/10 windows  900 rows  0 rows/s  done in 1:02:03  1 failed',
  );
});

test('clock format', () => {
  assert.equal(formatClock(59_400), '0:59');
  assert.equal(formatClock(61_000), '1:01');
  assert.equal(formatClock(3_600_000), '1:00:00');
});
