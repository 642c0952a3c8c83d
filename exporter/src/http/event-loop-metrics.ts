import { Gauge, Histogram, type Registry } from 'prom-client';

/** How often the probe timer is due: a block shorter than this may go unseen. */
const PROBE_INTERVAL_MS = 20;
/** The max gauge covers the last minute, in slots of 10 s (whatever scrapes it, however often). */
const SLOT_MS = 10_000;
const SLOTS = 6;

export interface EventLoopMetrics {
  /** Stops the probe (the service's exit does not wait for it either: its timer is unref'ed). */
  stop(): void;
}

/**
 * Sextant's own measure of the event loop: a timer due every 20 ms records how late it fires, which
 * is how long the loop was busy with something else (a job's computation, a large JSON answer).
 * sextant_event_loop_delay_seconds is the histogram of those delays (cumulative, for rates and
 * histogram_quantile), sextant_event_loop_delay_max_seconds the largest in the last minute. Unlike
 * prom-client's nodejs_eventloop_lag_* gauges, neither resets when scraped, so a second scraper (a
 * test, a curl) takes nothing away from Prometheus.
 */
export function registerEventLoopMetrics(registry: Registry, clock: () => number = () => performance.now()): EventLoopMetrics {
  const delay = new Histogram({
    name: 'sextant_event_loop_delay_seconds',
    help: `How late a timer due every ${PROBE_INTERVAL_MS} ms fired: the time the event loop was blocked before it.`,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const slotMax = new Float64Array(SLOTS);
  const slotEpoch = new Float64Array(SLOTS).fill(-1);
  new Gauge({
    name: 'sextant_event_loop_delay_max_seconds',
    help: 'The longest event-loop delay (see sextant_event_loop_delay_seconds) in the last minute.',
    registers: [registry],
    collect() {
      const epoch = Math.floor(clock() / SLOT_MS);
      let max = 0;
      for (let i = 0; i < SLOTS; i++) if (slotEpoch[i]! > epoch - SLOTS) max = Math.max(max, slotMax[i]!);
      this.set(max);
    },
  });

  let timer: NodeJS.Timeout | undefined;
  let due = clock() + PROBE_INTERVAL_MS;
  const probe = () => {
    const now = clock();
    const seconds = Math.max(0, now - due) / 1000;
    delay.observe(seconds);
    const epoch = Math.floor(now / SLOT_MS);
    const slot = epoch % SLOTS;
    if (slotEpoch[slot] !== epoch) {
      slotEpoch[slot] = epoch;
      slotMax[slot] = 0;
    }
    slotMax[slot] = Math.max(slotMax[slot]!, seconds);
    due = now + PROBE_INTERVAL_MS;
    timer = setTimeout(probe, PROBE_INTERVAL_MS).unref();
  };
  timer = setTimeout(probe, PROBE_INTERVAL_MS).unref();
  return {
    stop() {
      clearTimeout(timer);
    },
  };
}
