// The backfill's progress line: windows done of total, rows, rate and time left, estimated from the
// average pace so far (windows are similar in size, so the pace is a fair guide).

export interface Progress {
  windowsDone: number;
  windowsTotal: number;
  rows: number;
  failed: number;
  elapsedMs: number;
}

const WIDTH = 24;

export function formatProgress(p: Progress): string {
  const ratio = p.windowsTotal > 0 ? p.windowsDone / p.windowsTotal : 1;
  const filled = Math.round(ratio * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.rows / seconds : 0;
  const left = p.windowsDone > 0 ? (p.elapsedMs / p.windowsDone) * (p.windowsTotal - p.windowsDone) : undefined;
  const parts = [
    `${bar} ${String(Math.floor(ratio * 100)).padStart(3)}%`,
    `${p.windowsDone}/${p.windowsTotal} windows`,
    `${formatCount(p.rows)} rows`,
    `${formatCount(rate)} rows/s`,
    p.windowsDone === p.windowsTotal ? `done in ${formatClock(p.elapsedMs)}` : `ETA ${left === undefined ? '--:--' : formatClock(left)}`,
  ];
  if (p.failed > 0) parts.push(`${p.failed} failed`);
  return parts.join('  ');
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

/** h:mm:ss, or m:ss under an hour. */
export function formatClock(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
