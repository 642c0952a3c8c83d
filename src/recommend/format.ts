/** Human text for explanations: durations and numbers the way an operator reads them. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = ms / 3_600_000;
  if (hours < 48) return `${round(hours, 1)} h`;
  return `${round(hours / 24, 1)} d`;
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function percent(ratio: number): string {
  return `${round(ratio * 100, 1)} %`;
}

/** Prometheus duration text (`90s`, `5m`, `2h`), rounded up to whole seconds. */
export function promDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
