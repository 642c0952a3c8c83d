// Group commit: requests that arrive while a transaction is being written wait together and are
// written in the next one, so many concurrent webhooks cost a few transactions, not one each, and
// each request is still answered only after its own data is committed.

export interface GroupCommit<T> {
  /** Resolves once `items` are committed; rejects if their transaction failed. */
  submit(items: readonly T[]): Promise<void>;
}

/** `flush` writes a batch in one transaction. At most `maxBatch` items go into one flush. */
export function createGroupCommit<T>(flush: (items: T[]) => Promise<unknown>, maxBatch = 10_000): GroupCommit<T> {
  const pending: { items: readonly T[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (pending.length) {
      const batch: typeof pending = [];
      let size = 0;
      while (pending.length && (batch.length === 0 || size + pending[0]!.items.length <= maxBatch)) {
        const next = pending.shift()!;
        batch.push(next);
        size += next.items.length;
      }
      try {
        await flush(batch.flatMap((b) => b.items));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    running = false;
  }

  return {
    submit(items) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ items, resolve, reject });
        if (!running) void drain();
      });
    },
  };
}
