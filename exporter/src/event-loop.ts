/**
 * Lets the event loop serve what is waiting (HTTP requests, /metrics scrapes, timers) before a long
 * synchronous computation continues: jobs call it between units of work, e.g. between series.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
