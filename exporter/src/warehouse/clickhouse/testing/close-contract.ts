import { rm } from 'node:fs/promises';

/**
 * A contract suite's `after`: closes what its `before` opened (some of it never was, when `before`
 * failed half-way), then stops the servers and removes the scratch folder whatever happened, since a
 * server left running keeps the test process (and the whole suite) from ending.
 */
export async function closeContract(opened: readonly ({ close(): Promise<void> } | undefined)[], disconnect: () => Promise<void>, dir: string | undefined): Promise<void> {
  try {
    for (const resource of opened) await resource?.close();
  } finally {
    await disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
