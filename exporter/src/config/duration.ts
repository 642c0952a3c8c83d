// Prometheus-style durations ("30s", "5m", "1h30m", "7d", "100ms"), as Prometheus writes them in its
// own configuration, so a Sextant config reads like the Prometheus one next to it.

const unitMs: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};
const pattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Milliseconds in `text`, or undefined when it is not a Prometheus duration. */
export function parseDuration(text: string): number | undefined {
  const match = pattern.exec(text);
  if (!text || !match) return undefined;
  let total = 0;
  order.forEach((unit, i) => {
    const amount = match[i + 1];
    if (amount !== undefined) total += Number(amount) * (unitMs[unit] ?? 0);
  });
  return total;
}

/** The shortest Prometheus duration for `ms` (for docs and logs): 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of order) {
    const size = unitMs[unit] ?? 1;
    if (unit === 'y' || unit === 'w') continue;
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}
