/**
 * Runs `work` and counts the turns the event loop took meanwhile (a setImmediate callback that
 * re-arms itself until `work` settles): a test's proof that long work yields, without timing it.
 */
export async function countingTurns<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { result: await work(), turns };
  } finally {
    running = false;
  }
}
