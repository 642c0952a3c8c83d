import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BiQuery, DataFrame, Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { QueryError } from './query-error.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);

/** Six hosts over two days of minutes; node-6 has no row in the hosts table. */
const HOSTS = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5', 'node-6'];
const TEAM: Record<string, string> = { 'node-1': 'web', 'node-2': 'web', 'node-3': 'db', 'node-4': 'db', 'node-5': 'batch' };
const COST: Record<string, number> = { 'node-1': 0.5, 'node-2': 0.5, 'node-3': 1.25, 'node-4': 2, 'node-5': 0.1 };

/** A deterministic, irregular value per host and minute. */
const value = (h: number, i: number): number => Math.round(((Math.sin(i / 37 + h) + 1.3) * (h + 1) + ((i * 7919 + h * 104729) % 13) / 10) * 1000) / 1000;

function cpuSeries(): Series[] {
  return HOSTS.map((instance, h) => ({ labels: { instance, job: 'node' }, samples: Array.from({ length: 2 * 24 * 60 }, (_, i) => ({ t: T0 + i * MIN, v: value(h, i) })) }));
}

async function seeded(t: { after(fn: () => unknown): void }): Promise<DuckDbWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-join-'));
  const w = await openDuckDbWarehouse({ path: join(dir, 'j.duckdb'), retentionMs: { ...DEFAULT_RETENTION_MS, points: 3650 * DAY } });
  t.after(async () => {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });
  await w.replaceWindow('default', 'cpu', { start: T0, end: T0 + 2 * DAY }, cpuSeries());
  await w.rollup();
  const csv = join(dir, 'hosts.csv');
  await writeFile(csv, `host,team,cost_per_hour\n${Object.keys(TEAM).map((h) => `${h},${TEAM[h]},${COST[h]}`).join('\n')}\n`);
  await w.reference.importFile('default', 'hosts', csv, { format: 'csv', key: ['host'], types: {}, replace: false });
  const dup = join(dir, 'teams.csv');
  await writeFile(dup, 'team,lead\nweb,ann\nweb,bob\n');
  await w.reference.importFile('default', 'teams', dup, { format: 'csv', key: [], types: {}, replace: false });
  return w;
}

const JOIN = { table: 'hosts', label: 'instance', column: 'host' };

function query(partial: Partial<BiQuery>): BiQuery {
  return { dataset: 'cpu', measures: ['sum'], groupBy: ['hosts.team'], filters: [], bucket: '1h', range: { start: T0, end: T0 + 2 * DAY }, join: JOIN, ...partial };
}

/** Frames as {group key -> {time -> {measure -> value}}}. */
function byGroup(frames: DataFrame[], label: string): Map<string, Map<number, Record<string, number>>> {
  const out = new Map<string, Map<number, Record<string, number>>>();
  for (const frame of frames) {
    const [time, ...fields] = frame.fields;
    const group = fields[0]?.labels?.[label] ?? '';
    const rows = new Map<number, Record<string, number>>();
    time!.values.forEach((t, i) => rows.set(Number(t), Object.fromEntries(fields.map((f) => [f.name, Number(f.values[i])]))));
    out.set(group, rows);
  }
  return out;
}

/** The same answer computed from the raw samples, in plain JavaScript. */
function expected(bucketMs: number, measure: (values: { v: number; host: string }[]) => number, group: (host: string) => string | undefined = (h) => TEAM[h] ?? ''): Map<string, Map<number, number>> {
  const cells = new Map<string, Map<number, { v: number; host: string }[]>>();
  for (const s of cpuSeries()) {
    const host = s.labels.instance!;
    const key = group(host);
    if (key === undefined) continue;
    for (const p of s.samples) {
      const bucket = Math.floor(p.t / bucketMs) * bucketMs;
      const times = cells.get(key) ?? cells.set(key, new Map()).get(key)!;
      (times.get(bucket) ?? times.set(bucket, []).get(bucket)!).push({ v: p.v, host });
    }
  }
  return new Map([...cells].map(([k, times]) => [k, new Map([...times].map(([t, values]) => [t, measure(values)]))]));
}

function assertClose(actual: Map<string, Map<number, Record<string, number>>>, want: Map<string, Map<number, number>>, measure: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...want.keys()].sort());
  for (const [group, times] of want) {
    assert.equal(actual.get(group)!.size, times.size, `buckets of ${group}`);
    for (const [t, v] of times) {
      const got = actual.get(group)!.get(t)![measure]!;
      assert.ok(Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${group} at ${new Date(t).toISOString()}: ${measure} ${got}, expected ${v}`);
    }
  }
}

test('CPU per team through an instance -> team table matches a sum over the raw samples', async (t) => {
  const w = await seeded(t);
  const sum = (xs: { v: number }[]) => xs.reduce((a, x) => a + x.v, 0);
  const hourly = byGroup(await w.query('default', query({ measures: ['sum', 'count', 'max', 'avg'] })), 'hosts.team');
  const want = expected(HOUR, sum);
  assert.ok(want.has(''), 'node-6 has no team and forms the empty group');
  assertClose(hourly, want, 'sum');
  assertClose(hourly, expected(HOUR, (xs) => xs.length), 'count');
  assertClose(hourly, expected(HOUR, (xs) => Math.max(...xs.map((x) => x.v))), 'max');
  assertClose(hourly, expected(HOUR, (xs) => sum(xs) / xs.length), 'avg');
  assertClose(byGroup(await w.query('default', query({ bucket: '1d' })), 'hosts.team'), expected(DAY, sum), 'sum');
  assertClose(byGroup(await w.query('default', query({ bucket: 'raw', measures: ['sum'], range: { start: T0, end: T0 + HOUR } })), 'hosts.team'), new Map([...expected(MIN, sum)].map(([k, times]) => [k, new Map([...times].filter(([time]) => time < T0 + HOUR))])), 'sum');
});

test('cost per team per day: each host\'s CPU scaled by its hourly cost, hosts without a cost left out', async (t) => {
  const w = await seeded(t);
  const daily = byGroup(await w.query('default', query({ bucket: '1d', measures: ['sum', 'min', 'max'], join: { ...JOIN, scaleBy: 'cost_per_hour' } })), 'hosts.team');
  const withCost = (host: string) => (COST[host] === undefined ? undefined : TEAM[host]!);
  assertClose(daily, expected(DAY, (xs) => xs.reduce((a, x) => a + x.v * COST[x.host]!, 0), withCost), 'sum');
  assertClose(daily, expected(DAY, (xs) => Math.min(...xs.map((x) => x.v * COST[x.host]!)), withCost), 'min');
  assertClose(daily, expected(DAY, (xs) => Math.max(...xs.map((x) => x.v * COST[x.host]!)), withCost), 'max');
});

test('filters on a reference column, combined with label grouping', async (t) => {
  const w = await seeded(t);
  const frames = await w.query('default', query({ groupBy: ['instance'], filters: [{ label: 'hosts.team', op: '=', value: 'db' }], bucket: '1d' }));
  const got = byGroup(frames, 'instance');
  const sum = (xs: { v: number }[]) => xs.reduce((a, x) => a + x.v, 0);
  assertClose(got, expected(DAY, sum, (h) => (TEAM[h] === 'db' ? h : undefined)), 'sum');
  const none = await w.query('default', query({ groupBy: [], filters: [{ label: 'hosts.team', op: '=~', value: '' }], bucket: '1d' }));
  assertClose(byGroup(none, 'x'), expected(DAY, sum, (h) => (TEAM[h] === undefined ? '' : undefined)), 'sum');
});

test('a join the warehouse cannot answer honestly is a QueryError that says why', async (t) => {
  const w = await seeded(t);
  const cases: [Partial<BiQuery>, RegExp][] = [
    [{ groupBy: [], join: { ...JOIN, table: 'nope' } }, /query.join.table: tenant default has no reference table "nope"; its tables: hosts, teams/],
    [{ join: { ...JOIN, column: 'name' } }, /query.join.column: table hosts has no column name; its columns: host, team, cost_per_hour/],
    [{ join: { ...JOIN, scaleBy: 'team' } }, /query.join.scaleBy: column team of table hosts is text, not a number/],
    [{ groupBy: ['hosts.colour'] }, /table hosts has no column colour/],
    [{ groupBy: ['teams.lead'] }, /query.groupBy\[0\]: "teams.lead": the query joins table hosts, not teams/],
    [{ groupBy: ['hosts.team'], join: undefined }, /names a reference table's column, but the query joins no table/],
    [{ groupBy: ['teams.lead'], join: { table: 'teams', label: 'team', column: 'team' } }, /query.join.column: team of table teams holds "web" in 2 rows; a join column must identify one row/],
  ];
  for (const [partial, message] of cases) {
    await assert.rejects(w.query('default', query(partial)), (error: unknown) => {
      assert.ok(error instanceof QueryError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
  await assert.rejects(w.query('other', query({})), /tenant other has no reference table "hosts"/, 'another tenant cannot join tenant default\'s table');
});

test('a join table dropped or replaced between locating it and reading it is a 409 QueryError to run again, not the warehouse\'s error', async (t) => {
  // Found by the fuzz suite: a query racing a DELETE or a PUT of its table got DuckDB's "Catalog Error" as a 500.
  const w = await seeded(t);
  const dir = await mkdtemp(join(tmpdir(), 'sextant-join-race-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const replacement = join(dir, 'hosts.csv');
  await writeFile(replacement, 'host,team,cost_per_hour\nnode-1,web,1\n');
  const changes: [string, () => Promise<unknown>][] = [
    ['replaced', () => w.reference.importFile('default', 'hosts', replacement, { format: 'csv', key: ['host'], types: {}, replace: true })],
    ['dropped', () => w.reference.drop('default', 'hosts')],
  ];
  const locate = w.reference.locate.bind(w.reference);
  for (const [what, change] of changes) {
    // The change lands right after the query located the table, before it reads it.
    let raced = false;
    w.reference.locate = async (tenant, name) => {
      const found = await locate(tenant, name);
      if (!raced) {
        raced = true;
        await change();
      }
      return found;
    };
    await assert.rejects(w.query('default', query({})), (error: unknown) => {
      assert.ok(error instanceof QueryError, `${what}: ${String(error)}`);
      assert.equal(error.status, 409, what);
      assert.match(error.message, /query.join.table: table hosts was replaced or dropped while the query ran; run the query again/, what);
      return true;
    });
  }
  w.reference.locate = locate;
});
