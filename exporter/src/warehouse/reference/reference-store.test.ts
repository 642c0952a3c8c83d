import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from '../duckdb-warehouse.js';
import { ImportError, type ImportOptions } from './reference-store.js';

async function setUp(t: { after(fn: () => Promise<void>): void }): Promise<{ dir: string; w: DuckDbWarehouse }> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-reference-'));
  const w = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb'), retentionMs: DEFAULT_RETENTION_MS });
  t.after(async () => {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, w };
}

const csv = (options: Partial<ImportOptions> = {}): ImportOptions => ({ format: 'csv', key: [], types: {}, replace: false, ...options });

async function file(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function refused(promise: Promise<unknown>, status: number, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ImportError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a CSV import infers each column type over every row and reads back as written', async (t) => {
  const { dir, w } = await setUp(t);
  const path = await file(dir, 'hosts.csv', '\uFEFFhost,team,cores,cost_per_hour,managed,since\r\nnode-1,web,8,0.42,true,2025-03-01\r\nnode-2,"db, primary",16,1.5,false,2024-11-30\r\n\r\nnode-3,"says ""hi""\nacross lines",4,2,true,\r\n');
  const result = await w.reference.importFile('default', 'hosts', path, csv({ key: ['host'] }));
  assert.equal(result.imported, 3);
  assert.equal(result.replaced, 0);
  assert.deepEqual(result.table.columns, [
    { name: 'host', type: 'text' },
    { name: 'team', type: 'text' },
    { name: 'cores', type: 'integer' },
    { name: 'cost_per_hour', type: 'number' },
    { name: 'managed', type: 'boolean' },
    { name: 'since', type: 'date' },
  ]);
  assert.deepEqual(await w.reference.rows('default', 'hosts', 10), [
    { host: 'node-1', team: 'web', cores: 8, cost_per_hour: 0.42, managed: true, since: '2025-03-01' },
    { host: 'node-2', team: 'db, primary', cores: 16, cost_per_hour: 1.5, managed: false, since: '2024-11-30' },
    { host: 'node-3', team: 'says "hi"\nacross lines', cores: 4, cost_per_hour: 2, managed: true, since: null },
  ]);
  assert.deepEqual(await w.reference.list('other'), [], 'another tenant sees none of it');
});

test('re-importing with a key replaces rows by key and never duplicates them; without a key the table is replaced', async (t) => {
  const { dir, w } = await setUp(t);
  const first = await file(dir, 'a.csv', 'host,team\nnode-1,web\nnode-2,db\n');
  const second = await file(dir, 'b.csv', 'host,team\nnode-2,storage\nnode-3,web\n');
  await w.reference.importFile('default', 'hosts', first, csv({ key: ['host'] }));
  await w.reference.importFile('default', 'hosts', first, csv({ key: ['host'] }));
  const again = await w.reference.importFile('default', 'hosts', second, csv({ key: ['host'] }));
  assert.deepEqual([again.imported, again.replaced, again.table.rows], [2, 1, 3]);
  assert.deepEqual(await w.reference.rows('default', 'hosts', 10), [
    { host: 'node-1', team: 'web' },
    { host: 'node-2', team: 'storage' },
    { host: 'node-3', team: 'web' },
  ]);
  await w.reference.importFile('default', 'teams', first, csv());
  const whole = await w.reference.importFile('default', 'teams', second, csv());
  assert.deepEqual([whole.replaced, whole.table.rows], [2, 2]);
  assert.deepEqual((await w.reference.rows('default', 'teams', 10)).map((r) => r.host), ['node-2', 'node-3']);
});

test('a bad row is named by line and column and nothing of the file is loaded', async (t) => {
  const { dir, w } = await setUp(t);
  await w.reference.importFile('default', 'hosts', await file(dir, 'ok.csv', 'host,cores\nnode-1,8\n'), csv({ key: ['host'] }));
  const rows = Array.from({ length: 30_000 }, (_, i) => `node-${i + 2},${i % 64}`);
  rows[25_000] = '"node-x\nsecond line",7'; // a quoted field spanning two lines shifts every later line
  rows[28_000] = 'node-y,eight';
  const bad = await file(dir, 'bad.csv', `host,cores\n${rows.join('\n')}\n`);
  // The header is line 1, record i on line i + 2, one more after the two-line record.
  await refused(w.reference.importFile('default', 'hosts', bad, csv({ key: ['host'], types: { cores: 'integer' } })), 400, /^line 28003, column cores: "eight" is not an integer/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'short.csv', 'host,cores\nnode-1,8\nnode-2\n'), csv()), 400, /^line 3: 1 fields, but the header has 2 \(host, cores\)/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'dup.csv', 'host,cores\nnode-1,8\n\nnode-2,4\nnode-1,2\n'), csv({ key: ['host'] })), 400, /^line 2 and 5: the same key \(host="node-1"\)/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'nokey.csv', 'host,cores\nnode-1,8\n,4\n'), csv({ key: ['host'] })), 400, /^line 3, column host: the key column is empty/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'quote.csv', 'host,cores\nnode-1,"8\n'), csv()), 400, /^line 2: a quoted field starts in this record and is never closed/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'name.csv', 'host,cost ($)\nnode-1,8\n'), csv()), 400, /column 2 "cost \(\$\)": expected a name/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'nocol.csv', 'host,cores\nnode-1,8\n'), csv({ key: ['name'] })), 400, /column name: the file has no such column; its columns are host, cores/);
  await refused(w.reference.importFile('default', 'hosts', await file(dir, 'shape.csv', 'host,cores,team\nnode-1,8,web\n'), csv({ key: ['host'] })), 409, /table hosts has columns host text, cores integer, key host; this file has columns host text, cores integer, team text/);
  assert.deepEqual(await w.reference.rows('default', 'hosts', 10), [{ host: 'node-1', cores: 8 }], 'every refused file left the table as it was');
  const replaced = await w.reference.importFile('default', 'hosts', await file(dir, 'shape2.csv', 'host,cores,team\nnode-1,8,web\n'), csv({ key: ['host'], replace: true }));
  assert.equal(replaced.table.columns.length, 3);
});

test('NDJSON and Parquet imports: types inferred or overridden, errors by line or row', async (t) => {
  const { dir, w } = await setUp(t);
  const ndjson = await file(dir, 'c.ndjson', '{"customer":"acme","tier":"gold","seats":12}\n\n{"customer":"globex","tier":"silver","seats":3,"note":{"vip":true}}\n');
  const imported = await w.reference.importFile('default', 'customers', ndjson, { format: 'ndjson', key: ['customer'], types: { seats: 'number' }, replace: false });
  assert.deepEqual(imported.table.columns, [
    { name: 'customer', type: 'text' },
    { name: 'tier', type: 'text' },
    { name: 'seats', type: 'number' },
    { name: 'note', type: 'text' },
  ]);
  assert.deepEqual(await w.reference.rows('default', 'customers', 10), [
    { customer: 'acme', tier: 'gold', seats: 12, note: null },
    { customer: 'globex', tier: 'silver', seats: 3, note: '{"vip":true}' },
  ]);
  const ndjsonOptions: ImportOptions = { format: 'ndjson', key: [], types: { seats: 'integer' }, replace: true };
  await refused(w.reference.importFile('default', 'customers', await file(dir, 'bad.ndjson', '{"customer":"a","seats":1}\n\n{"customer":"b","seats":"two"}\n'), ndjsonOptions), 400, /^line 3, column seats: "two" is not an integer/);
  await refused(w.reference.importFile('default', 'customers', await file(dir, 'broken.ndjson', '{"customer":"a"}\n{"customer":\n'), ndjsonOptions), 400, /^line 2: not valid JSON/);
  await refused(w.reference.importFile('default', 'customers', await file(dir, 'array.ndjson', '[1,2]\n'), ndjsonOptions), 400, /^line 1: expected a JSON object/);
  // Found by the fuzz suite: a line of one 1.1 MB string was shown whole in the error.
  await refused(w.reference.importFile('default', 'customers', await file(dir, 'long.ndjson', `"${'z'.repeat(1_100_000)}"\n`), ndjsonOptions), 400, /^line 1: expected a JSON object \{"column": value, \.\.\.\}, got "z{99}\.\.\. \(1100002 characters\)$/);
  await refused(w.reference.importFile('default', 'customers', await file(dir, 'long-value.ndjson', `{"customer":"a","seats":"${'9x'.repeat(5000)}"}\n`), ndjsonOptions), 400, /^line 1, column seats: "(9x){49}9\.\.\. \(10002 characters\) is not an integer/);

  const parquet = join(dir, 'cost.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT 'svc-' || i AS service, i * 1.25 AS cost, i AS rank FROM range(1, 4) r(i)) TO '${parquet}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  const fromParquet = await w.reference.importFile('default', 'cost', parquet, { format: 'parquet', key: ['service'], types: {}, replace: false });
  assert.deepEqual(fromParquet.table.columns, [
    { name: 'service', type: 'text' },
    { name: 'cost', type: 'number' },
    { name: 'rank', type: 'integer' },
  ]);
  assert.deepEqual((await w.reference.rows('default', 'cost', 10)).map((r) => [r.service, r.cost, r.rank]), [
    ['svc-1', 1.25, 1],
    ['svc-2', 2.5, 2],
    ['svc-3', 3.75, 3],
  ]);
  await refused(w.reference.importFile('default', 'cost', parquet, { format: 'parquet', key: [], types: { service: 'integer' }, replace: true }), 400, /^row 1, column service: "svc-1" is not an integer/);
  await refused(w.reference.importFile('default', 'cost', ndjson, { format: 'parquet', key: [], types: {}, replace: true }), 400, /^the parquet file could not be read/);
  assert.equal(await w.reference.drop('default', 'cost'), true);
  assert.equal(await w.reference.get('default', 'cost'), undefined);
});
