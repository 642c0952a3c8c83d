/**
 * Lets the event loop serve what is waiting (HTTP requests, /metrics scrapes, timers) before a long
 * synchronous computation continues: jobs call it between units of work, e.g. between series.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Items mapped between two turns of the event loop by mapInTurns. */
export const ITEMS_PER_TURN = 5_000;

/**
 * `items.map(fn)` with a turn of the event loop every `perTurn` items: for lists that grow with the
 * data (100,000 alert instances as objects took 50 ms in one go, and the next step as long again).
 */
export async function mapInTurns<T, U>(items: readonly T[], fn: (item: T) => U, perTurn = ITEMS_PER_TURN): Promise<U[]> {
  const out = new Array<U>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await yieldToEventLoop();
    out[i] = fn(items[i]!);
  }
  return out;
}
