import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_BUSINESS_TABLE } from '@sextant/core/demo';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { loadDemoBusinessData } from './demo-business.js';
import { createDemoSource, demoDatasets } from './demo-source.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 24);

test('the demo imports its hosts table once, and CPU per team joins on it as a plain sum per team says', async (t) => {
  const w = await openDuckDbWarehouse({ path: ':memory:', retentionMs: { ...DEFAULT_RETENTION_MS, points: 3650 * 24 * HOUR } });
  t.after(() => w.close());
  assert.equal(await loadDemoBusinessData(w.reference, 'default', 1), true);
  assert.equal(await loadDemoBusinessData(w.reference, 'default', 1), false, 'a second start leaves the table alone');
  const hosts = await w.reference.rows('default', DEMO_BUSINESS_TABLE, 10);
  assert.deepEqual(hosts.map((h) => [h.instance, h.team]), [
    ['node-1:9100', 'storefront'],
    ['node-2:9100', 'storefront'],
    ['node-3:9100', 'payments'],
    ['node-4:9100', 'data'],
  ]);

  const source = createDemoSource({ seed: 1, now: () => T0 + 3 * HOUR });
  const dataset = demoDatasets('default').find((d) => d.name === 'node_cpu_utilisation_ratio')!;
  const range = { start: T0, end: T0 + 2 * HOUR };
  const series = await source.queryRange(dataset, range);
  await w.replaceWindow('default', dataset.name, range, series);
  await w.rollup();
  const frames = await w.query('default', {
    dataset: dataset.name,
    measures: ['sum'],
    groupBy: ['hosts.team'],
    filters: [],
    bucket: '1h',
    range,
    join: { table: DEMO_BUSINESS_TABLE, label: 'instance', column: 'instance' },
  });
  const team = Object.fromEntries(hosts.map((h) => [h.instance, h.team]));
  const expected: Record<string, number[]> = {};
  for (const s of series) {
    const sums = (expected[team[s.labels.instance!] as string] ??= [0, 0]);
    for (const p of s.samples) if (p.t >= range.start && p.t < range.end) sums[Math.floor((p.t - T0) / HOUR)]! += p.v;
  }
  const got = Object.fromEntries(frames.map((f) => [f.fields[1]!.labels!['hosts.team'], f.fields[1]!.values as number[]]));
  assert.deepEqual(Object.keys(got).sort(), ['data', 'payments', 'storefront']);
  for (const [name, sums] of Object.entries(expected)) sums.forEach((v, i) => assert.ok(Math.abs(got[name]![i]! - v) < 1e-9 * v, `${name} hour ${i}: ${got[name]![i]} vs ${v}`));
});
