import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { openCommandWarehouse, openServiceWarehouse } from './open-warehouse.js';
import type { DuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';

/** DuckDB's threads in the warehouse the service (or a command) opens from this config text (plus the environment). */
async function threadsOf(text: string, env: Record<string, string> = {}, by: 'service' | 'command' = 'service'): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-open-warehouse-'));
  const config = parseConfig(`warehouse: { path: w.duckdb${text} }`, { origin: 'sextant.yaml', baseDir: dir, env });
  const opened = by === 'service' ? openServiceWarehouse(config, createLogger('error'), Date.now) : openCommandWarehouse(config, { readOnly: false });
  const warehouse = (await opened) as DuckDbWarehouse;
  try {
    const [row] = await warehouse.handle.read(`SELECT current_setting('threads')::INTEGER AS threads`);
    return Number(row!.threads);
  } finally {
    await warehouse.close();
  }
}

test("the service's DuckDB leaves a core to the event loop unless warehouse.threads says otherwise", async () => {
  assert.equal(await threadsOf(''), Math.max(1, availableParallelism() - 1));
  assert.equal(await threadsOf(', threads: 3'), 3);
  assert.equal(await threadsOf('', { SEXTANT_WAREHOUSE_THREADS: '5' }), 5);
});

test('a command that opens the file itself uses every core, or warehouse.threads when set', async () => {
  assert.equal(await threadsOf('', {}, 'command'), availableParallelism());
  assert.equal(await threadsOf(', threads: 3', {}, 'command'), 3);
});
