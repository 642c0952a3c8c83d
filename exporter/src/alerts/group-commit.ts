// Group commit: requests that arrive while a transaction is being written wait together and are
// written in the next one, so many concurrent webhooks cost a few transactions, not one each, and
// each request is still answered only after its own data is committed. The next transaction starts
// as soon as the previous one ends (no timer): the slower the commits, the larger the groups.

export interface GroupCommit<T> {
  /** Resolves once `items` are committed; rejects if their transaction failed. */
  submit(items: readonly T[]): Promise<void>;
}

interface Submission<T> {
  items: readonly T[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * `flush` writes a batch in one transaction. At most `maxBatch` items go into one flush. When a
 * group fails, each of its submissions is retried alone, so that one bad request cannot fail the
 * others that happened to share its transaction.
 */
export function createGroupCommit<T>(flush: (items: T[]) => Promise<unknown>, maxBatch = 10_000): GroupCommit<T> {
  const pending: Submission<T>[] = [];
  let running = false;

  async function commit(group: Submission<T>[]): Promise<void> {
    try {
      await flush(group.flatMap((s) => s.items));
      for (const s of group) s.resolve();
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else for (const s of group) await commit([s]);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    while (pending.length) {
      const group: Submission<T>[] = [];
      let size = 0;
      while (pending.length && (group.length === 0 || size + pending[0]!.items.length <= maxBatch)) {
        const next = pending.shift()!;
        group.push(next);
        size += next.items.length;
      }
      await commit(group);
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
