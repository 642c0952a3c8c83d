// Loads the demo's business data (src/demo/business.ts) into the reference table `hosts` of the demo
// tenant, once: a table the user has imported or changed since is left alone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_BUSINESS_TABLE, demoHostsCsv, scenario } from '@sextant/core/demo';
import type { ReferenceStore } from '../warehouse/reference/reference-store.js';

/** Returns true when it imported the table, false when the tenant has one already. */
export async function loadDemoBusinessData(reference: ReferenceStore, tenant: string, seed: number): Promise<boolean> {
  if (await reference.get(tenant, DEMO_BUSINESS_TABLE)) return false;
  const dir = await mkdtemp(join(tmpdir(), 'sextant-demo-business-'));
  try {
    const file = join(dir, 'hosts.csv');
    await writeFile(file, demoHostsCsv(scenario(seed)));
    await reference.importFile(tenant, DEMO_BUSINESS_TABLE, file, { format: 'csv', key: ['instance'], types: {}, replace: false });
    return true;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
