// Reference tables and BI joins on ClickHouse against DuckDB, part of the store contract
// (store-contract.ts): the same files imported into both give the same tables, rows, refusals and
// join answers, and the answers match sums over the raw samples computed here.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BiQuery, Series } from '@sextant/core';
import { DuckDbHandle } from '../../duckdb-handle.js';
import { QueryError } from '../../query-error.js';
import type { JoinableReferences } from '../../reference/reference-join.js';
import { ImportError, type ImportOptions, type ImportResult } from '../../reference/reference-store.js';
import type { ServiceWarehouse } from '../../stores.js';
import { assertSameFrames } from './warehouse-contract.js';

export interface ReferenceContractSetup {
  duck: ServiceWarehouse;
  ch: ServiceWarehouse;
  /** A folder for the test's files. */
  dir: string;
  /** The dataset the joins read, its series (instances a:1, b'\:1, c:1) and its range. */
  dataset: string;
  series: Series[];
  range: { start: number; end: number };
}

const csv = (options: Partial<ImportOptions> = {}): ImportOptions => ({ format: 'csv', key: ['host'], types: {}, replace: false, ...options });

/** An import result without its time (each engine's clock). */
const withoutTime = ({ table: { importedAt: _, ...table }, ...result }: ImportResult) => ({ ...result, table });

const HOSTS_CSV = `host,team,cost,cores,managed,since,seen
a:1,"web, ""edge""",0.5,8,true,2025-03-01,2026-01-05 10:00:00.25
b'\\:1,o'neil\\,1.25,16,false,,
z:9,batch,0.1,2,true,2024-12-31,2026-01-06 00:00:00
`;

/** The hosts table's team and cost per instance; c:1 has no row. */
const TEAM: Record<string, string> = { 'a:1': 'web, "edge"', "b'\\:1": "o'neil\\" };
const COST: Record<string, number> = { 'a:1': 0.5, "b'\\:1": 1.25 };

export function referenceContract(setup: () => ReferenceContractSetup): void {
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(setup().dir, name);
    await writeFile(path, text);
    return path;
  };

  test('reference tables: imports, re-imports by key, refusals, rows, list and drop as on DuckDB', async () => {
    const { duck, ch } = setup();
    const both = [duck, ch];
    const hosts = await file('hosts.csv', HOSTS_CSV);
    const first = await Promise.all(both.map((w) => w.reference.importFile('t1', 'hosts', hosts, csv())));
    assert.deepEqual(withoutTime(first[1]!), withoutTime(first[0]!));
    assert.deepEqual(first[1]!.table.columns.map((c) => c.type), ['text', 'text', 'number', 'integer', 'boolean', 'date', 'timestamp']);
    const expectedRows = [
      { host: 'a:1', team: 'web, "edge"', cost: 0.5, cores: 8, managed: true, since: '2025-03-01', seen: '2026-01-05T10:00:00.250Z' },
      { host: "b'\\:1", team: "o'neil\\", cost: 1.25, cores: 16, managed: false, since: null, seen: null },
      { host: 'z:9', team: 'batch', cost: 0.1, cores: 2, managed: true, since: '2024-12-31', seen: '2026-01-06T00:00:00.000Z' },
    ];
    for (const w of both) assert.deepEqual(await w.reference.rows('t1', 'hosts', 10), expectedRows);

    // Re-importing by key replaces the rows with the file's keys and keeps the others, twice over.
    const update = await file('update.csv', 'host,team,cost,cores,managed,since,seen\nz:9,storage,0.2,4,false,2025-01-01,2026-01-07 00:00:00\nc:1,db,2,32,true,,\n');
    for (let i = 0; i < 2; i++) {
      const again = await Promise.all(both.map((w) => w.reference.importFile('t1', 'hosts', update, csv())));
      assert.deepEqual(withoutTime(again[1]!), withoutTime(again[0]!));
      assert.deepEqual([again[1]!.imported, again[1]!.replaced, again[1]!.table.rows], [2, i === 0 ? 1 : 2, 4]);
    }
    const updated = await duck.reference.rows('t1', 'hosts', 10);
    assert.deepEqual(updated.map((r) => [r.host, r.team]), [['a:1', 'web, "edge"'], ["b'\\:1", "o'neil\\"], ['c:1', 'db'], ['z:9', 'storage']]);
    assert.deepEqual(await ch.reference.rows('t1', 'hosts', 10), updated);
    assert.deepEqual(await ch.reference.rows('t1', 'hosts', 2), updated.slice(0, 2));

    // Refused files name the line and column on both, and change nothing.
    const refusals: [string, string, ImportOptions][] = [
      ['bad.csv', 'host,team,cost,cores,managed,since,seen\nq:1,x,1,2,true,,\nq:2,x,1,eight,true,,\n', csv()],
      ['dup.csv', 'host,team,cost,cores,managed,since,seen\nq:1,x,1,2,true,,\n\nq:1,y,1,2,true,,\n', csv()],
      ['shape.csv', 'host,team\nq:1,x\n', csv()],
    ];
    for (const [name, text, options] of refusals) {
      const path = await file(name, text);
      const errors = await Promise.all(both.map((w) => w.reference.importFile('t1', 'hosts', path, options).then(() => undefined, (error: unknown) => error)));
      for (const error of errors) assert.ok(error instanceof ImportError, `${name}: ${String(error)}`);
      const [onDuck, onCh] = errors as ImportError[];
      assert.deepEqual([onCh!.status, onCh!.message], [onDuck!.status, onDuck!.message], name);
    }
    assert.match((await duck.reference.importFile('t1', 'hosts', join(setup().dir, 'bad.csv'), csv()).then(() => undefined, (e: Error) => e))!.message, /^line 3, column cores: "eight" is not an integer/);
    assert.deepEqual(await ch.reference.rows('t1', 'hosts', 10), updated, 'the refused files left the table as it was');

    // NDJSON with an overridden type, and Parquet with its own types.
    const ndjson = await file('c.ndjson', '{"customer":"acme","tier":"gold","seats":12}\n\n{"customer":"glo\'bex","tier":"silver","seats":3,"note":{"vip":true}}\n');
    const parquet = join(setup().dir, 'cost.parquet');
    const scratch = await DuckDbHandle.open(':memory:');
    await scratch.exportCopy(`COPY (SELECT 'svc-' || i AS service, i * 1.25 AS cost, i AS rank FROM range(1, 4) r(i)) TO $1 (FORMAT parquet)`, [parquet]);
    await scratch.close();
    for (const w of both) {
      await w.reference.importFile('t1', 'customers', ndjson, { format: 'ndjson', key: ['customer'], types: { seats: 'number' }, replace: false });
      await w.reference.importFile('t1', 'cost', parquet, { format: 'parquet', key: [], types: {}, replace: false });
    }
    assert.deepEqual(await ch.reference.rows('t1', 'customers', 10), [
      { customer: 'acme', tier: 'gold', seats: 12, note: null },
      { customer: "glo'bex", tier: 'silver', seats: 3, note: '{"vip":true}' },
    ]);
    assert.deepEqual(await ch.reference.rows('t1', 'cost', 10), await duck.reference.rows('t1', 'cost', 10));
    assert.deepEqual((await ch.reference.rows('t1', 'cost', 10)).map((r) => r.cost), [1.25, 2.5, 3.75]);

    const names = async (w: ServiceWarehouse) => (await w.reference.list('t1')).map((t) => [t.name, t.rows, t.key]);
    assert.deepEqual(await names(ch), await names(duck));
    assert.deepEqual(await ch.reference.list('t2'), [], 'another tenant sees none of it');
    for (const w of both) assert.equal(await w.reference.drop('t1', 'cost'), true);
    assert.equal(await ch.reference.drop('t1', 'cost'), false);
    assert.equal(await ch.reference.get('t1', 'cost'), undefined);
    assert.deepEqual(await ch.reference.rows('t1', 'cost', 10), []);
    assert.deepEqual(await names(ch), [['customers', 2, ['customer']], ['hosts', 4, ['host']]]);
  });

  test('BI queries join a reference table on a label as on DuckDB, and as the raw samples say', async () => {
    const { duck, ch, dataset, series, range } = setup();
    const hosts = await file('join-hosts.csv', HOSTS_CSV);
    const teams = await file('join-teams.csv', 'team,lead\nweb,ann\nweb,bob\n');
    for (const w of [duck, ch]) {
      await w.reference.importFile('t1', 'jhosts', hosts, csv());
      await w.reference.importFile('t1', 'teams', teams, csv({ key: [] }));
    }
    const join = { table: 'jhosts', label: 'instance', column: 'host' };
    const base: BiQuery = { dataset, measures: ['sum', 'count', 'min', 'max', 'avg', 'p95', 'last'], groupBy: ['jhosts.team'], filters: [], bucket: '1h', range, join };
    const queries: BiQuery[] = [
      base,
      { ...base, bucket: '1d' },
      { ...base, bucket: '5m', groupBy: ['instance', 'jhosts.cores'], filters: [{ label: 'jhosts.team', op: '=~', value: 'web.*|o.*' }] },
      { ...base, bucket: 'raw', range: { start: range.start, end: range.start + 3_600_000 }, filters: [{ label: 'jhosts.managed', op: '!=', value: 'true' }] },
      { ...base, bucket: '1d', join: { ...join, scaleBy: 'cost' } },
      { ...base, bucket: 'raw', range: { start: range.start, end: range.start + 3_600_000 }, measures: ['sum', 'min', 'max', 'p50'], join: { ...join, scaleBy: 'cores' } },
      { ...base, groupBy: [], filters: [{ label: 'jhosts.team', op: '=', value: '' }] },
    ];
    for (const q of queries) {
      const what = `${q.bucket} by ${q.groupBy.join(',') || 'nothing'}${q.join?.scaleBy ? ` scaled by ${q.join.scaleBy}` : ''}`;
      const expected = await duck.query('t1', q);
      assert.ok(expected.length > 0, `${what}: DuckDB answers something`);
      assertSameFrames(await ch.query('t1', q), expected, what);
    }

    // Cost per team per UTC day, computed from the samples: each instance's values times its cost.
    const DAY = 86_400_000;
    const want = new Map<string, number>();
    for (const s of series) {
      const cost = COST[s.labels.instance!];
      if (cost === undefined) continue;
      for (const p of s.samples) {
        const cell = `${TEAM[s.labels.instance!]} ${Math.floor(p.t / DAY) * DAY}`;
        want.set(cell, (want.get(cell) ?? 0) + p.v * cost);
      }
    }
    const daily = await ch.query('t1', { ...base, measures: ['sum'], bucket: '1d', join: { ...join, scaleBy: 'cost' } });
    const got = new Map<string, number>(daily.flatMap((f) => (f.fields[0]!.values as number[]).map((t, i) => [`${f.fields[1]!.labels!['jhosts.team']} ${t}`, (f.fields[1]!.values as number[])[i]!] as const)));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [cell, sum] of want) assert.ok(Math.abs(got.get(cell)! - sum) <= 1e-9 * sum, `${cell}: ${got.get(cell)} on ClickHouse, ${sum} from the samples`);

    const refused: [Partial<BiQuery>, RegExp][] = [
      [{ join: { ...join, table: 'nope' }, groupBy: [] }, /tenant t1 has no reference table "nope"/],
      [{ join: { ...join, scaleBy: 'team' } }, /column team of table jhosts is text, not a number/],
      [{ join: { table: 'teams', label: 'job', column: 'team' }, groupBy: ['teams.lead'] }, /team of table teams holds "web" in 2 rows/],
    ];
    for (const [partial, message] of refused) {
      const errors = await Promise.all([duck, ch].map((w) => w.query('t1', { ...base, ...partial }).then(() => undefined, (error: unknown) => error)));
      for (const error of errors) assert.ok(error instanceof QueryError && message.test(error.message), String(error));
      assert.equal((errors[1] as Error).message, (errors[0] as Error).message);
    }

    // A table dropped between locating it and reading it: a 409 to run again, not ClickHouse's error.
    const reference = ch.reference as unknown as JoinableReferences;
    const locate = reference.locate.bind(reference);
    reference.locate = async (tenant, name) => {
      const found = await locate(tenant, name);
      reference.locate = locate;
      await ch.reference.drop(tenant, name);
      return found;
    };
    await assert.rejects(ch.query('t1', base), (error: unknown) => error instanceof QueryError && error.status === 409 && /table jhosts was replaced or dropped while the query ran/.test(error.message));
  });
}
